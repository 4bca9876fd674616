"""The keys corosync 3 knows (corosync.conf(5), votequorum(5)) and what their values may be.

A value type is "uint", "bool01" (0|1), "yesno", "onoff", "text", "addr", or a tuple of words.
Sections are named by their dotted path; ``nodelist.node`` and ``totem.interface`` repeat.
"""

from __future__ import annotations

import difflib
import ipaddress

UINT, BOOL01, YESNO, ONOFF, TEXT, ADDR = "uint", "bool01", "yesno", "onoff", "text", "addr"

_TOTEM_UINT = (
    "token", "token_warning", "token_coefficient", "token_retransmit", "token_retransmits_before_loss_const",
    "hold", "join", "send_join", "consensus", "merge", "downcheck", "fail_recv_const", "seqno_unchanged_const",
    "heartbeat_failures_allowed", "max_network_delay", "window_size", "max_messages", "miss_count_const",
    "knet_pmtud_interval", "knet_mtu", "knet_compression_threshold", "knet_compression_level", "netmtu",
    "nodeid", "config_version", "threads",
)

KEYS: dict[str, dict[str, object]] = {
    "totem": {
        **{k: UINT for k in _TOTEM_UINT},
        "version": ("2",),
        "cluster_name": TEXT,
        "transport": ("knet", "udp", "udpu"),
        "crypto_cipher": ("none", "aes256", "aes192", "aes128"),
        "crypto_hash": ("none", "md5", "sha1", "sha256", "sha384", "sha512"),
        "crypto_model": ("nss", "openssl"),
        "secauth": ONOFF,
        "keyfile": TEXT,
        "key": TEXT,
        "link_mode": ("passive", "active", "rr"),
        "ip_version": ("ipv4", "ipv6", "ipv4-6", "ipv6-4"),
        "clear_node_high_bit": YESNO,
        "knet_compression_model": ("none", "zlib", "lz4", "lz4hc", "lzo2", "lzma", "bzip2", "zstd"),
        "block_unlisted_ips": YESNO,
        "cancel_token_hold_on_retransmit": YESNO,
        "rrp_mode": ("none", "active", "passive"),
        "vsftype": ("none", "ykd"),
    },
    "totem.interface": {
        "linknumber": UINT, "ringnumber": UINT, "knet_link_priority": UINT, "knet_ping_interval": UINT,
        "knet_ping_timeout": UINT, "knet_ping_precision": UINT, "knet_pong_count": UINT,
        "knet_transport": ("udp", "sctp"), "bindnetaddr": ADDR, "mcastaddr": ADDR, "mcastport": UINT,
        "broadcast": YESNO, "ttl": UINT,
    },
    "logging": {
        "timestamp": ("on", "off", "hires"), "fileline": ONOFF, "function_name": ONOFF, "to_stderr": YESNO,
        "to_logfile": YESNO, "to_syslog": YESNO, "logfile": TEXT,
        "logfile_priority": ("alert", "crit", "debug", "emerg", "err", "info", "notice", "warning"),
        "syslog_facility": TEXT,
        "syslog_priority": ("alert", "crit", "debug", "emerg", "err", "info", "notice", "warning"),
        "debug": ("on", "off", "trace"), "blackbox": YESNO,
    },
    "logging.logger_subsys": {
        "subsys": TEXT, "debug": ("on", "off", "trace"), "to_stderr": YESNO, "to_logfile": YESNO,
        "to_syslog": YESNO, "logfile": TEXT, "timestamp": ("on", "off", "hires"), "fileline": ONOFF,
        "function_name": ONOFF, "logfile_priority": TEXT, "syslog_facility": TEXT, "syslog_priority": TEXT,
    },
    "quorum": {
        "provider": ("corosync_votequorum",), "expected_votes": UINT, "two_node": BOOL01,
        "wait_for_all": BOOL01, "last_man_standing": BOOL01, "last_man_standing_window": UINT,
        "auto_tie_breaker": BOOL01, "auto_tie_breaker_node": TEXT, "allow_downscale": BOOL01,
        "expected_votes_tracking": BOOL01,
    },
    "quorum.device": {"model": TEXT, "votes": UINT, "timeout": UINT, "sync_timeout": UINT},
    "quorum.device.net": {
        "host": TEXT, "port": UINT, "algorithm": ("ffsplit", "lms"), "tie_breaker": TEXT, "tls": TEXT,
        "connect_timeout": UINT, "force_ip_version": ("0", "4", "6"),
    },
    "quorum.device.heuristics": {"mode": ("off", "on", "sync"), "timeout": UINT, "sync_timeout": UINT,
                                 "interval": UINT},
    "nodelist": {},
    "nodelist.node": {**{f"ring{i}_addr": ADDR for i in range(8)}, "name": TEXT, "nodeid": UINT,
                      "quorum_votes": UINT},
    "system": {"qb_ipc_type": ("native", "shm", "socket"), "priority": TEXT, "move_to_root_cgroup": TEXT,
               "allow_knet_handle_fallback": YESNO, "sched_rr": YESNO, "state_dir": TEXT},
    "resources": {},
    "nozzle": {"name": TEXT, "ipaddr": ADDR, "ipprefix": TEXT, "macaddr": TEXT},
    "uidgid": {"uid": TEXT, "gid": TEXT},
}


def known_sections() -> list[str]:
    return list(KEYS)


def keys_of(section: str) -> list[str]:
    return sorted(KEYS.get(section, {}))


def all_paths() -> list[str]:
    """Every known dotted key (for completion), section by section."""
    return [f"{sec}.{key}" for sec, keys in KEYS.items() for key in sorted(keys)]


def _hint(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def check(section: str, key: str, value: str) -> str | None:
    """Why ``section.key: value`` is wrong, or None when corosync would take it."""
    if section not in KEYS:
        base = section.split(".")[0]
        return f"unknown section '{section}'{_hint(section, known_sections()) if base not in KEYS else ''}"
    keys = KEYS[section]
    if key not in keys:
        return f"unknown key '{section}.{key}'{_hint(key, list(keys))}"
    return check_value(f"{section}.{key}", keys[key], value)


def check_value(path: str, kind: object, value: str) -> str | None:
    if value == "" or "\n" in value or "{" in value or "}" in value:
        return f"{path}: bad value '{value}'"
    if isinstance(kind, tuple):
        return None if value in kind else f"{path}: '{value}' is not one of {', '.join(kind)}"
    if kind == UINT and not value.isdigit():
        return f"{path}: '{value}' is not a whole number"
    if kind == BOOL01 and value not in ("0", "1"):
        return f"{path}: '{value}' is not 0 or 1"
    if kind == YESNO and value not in ("yes", "no"):
        return f"{path}: '{value}' is not yes or no"
    if kind == ONOFF and value not in ("on", "off"):
        return f"{path}: '{value}' is not on or off"
    if kind == ADDR and not _address_like(value):
        return f"{path}: '{value}' is not an address or host name"
    return None


def _address_like(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        pass
    labels = value.rstrip(".").split(".")
    return all(lb and len(lb) < 64 and lb.replace("-", "").isalnum() and not lb.startswith("-") for lb in labels)
