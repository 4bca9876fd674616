"""Names and limits of IPVS (schedulers, methods, tunnel types, ranges): standard library only,
so command declarations can offer them as choices without importing the model."""

SCHEDULERS = ("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos")
#: flags each scheduler accepts (flag-1..3 are the raw bits, accepted by every scheduler)
SCHED_FLAGS = {
    "sh": ("sh-fallback", "sh-port"),
    "mh": ("mh-fallback", "mh-port"),
}
RAW_FLAGS = ("flag-1", "flag-2", "flag-3")
PROTOCOLS = ("tcp", "udp", "sctp", "fwm")
METHODS = ("nat", "dr", "tun")
TUN_TYPES = ("ipip", "gue", "gre")
TUN_CSUM = ("nocsum", "csum", "remcsum")
PE_NAMES = ("sip",)
MAX_WEIGHT = 2147483647
MAX_TIMEOUT = 2678400  # 31 days: the kernel's limit for -p and --set
DEFAULT_PERSISTENCE = 360  # ipvsadm 1.31's real default (the man page says 300)
DEFAULT_SCHED = "wlc"
MAX_THRESHOLD = 4294967295  # u32 in the kernel; 1.31 accepts more than the 65535 the man page says
