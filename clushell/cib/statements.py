"""The one table of configure-language statements.

Every place that knows statement names reads this table: the parser's dispatch
(cib/build.py), the configure level's commands and their help (commands/configure),
completion and the shell's lexer. Pure data, standard library only (completion and
the lexer import it on every keystroke path).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    name: str
    summary: str  # one line, for help listings
    usage: str = ""  # the words after the name
    long_help: str = ""
    # which parser handles it (cib/build.py maps these to functions); "" for statements that
    # `show` prints but configure does not accept yet (bundle, alert, acl)
    parser: str = ""
    aliases: tuple[str, ...] = ()  # other names a user may type (listed in help)
    legacy: tuple[str, ...] = ()  # older names the parser still accepts (not offered)
    examples: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        """configure accepts it as a statement (it has a parser)."""
        return bool(self.parser)

    @property
    def words(self) -> tuple[str, ...]:
        """Every name that starts this statement."""
        return (self.name, *self.aliases, *self.legacy)


STATEMENTS: tuple[Statement, ...] = (
    Statement(
        'node',
        'Create a node or add attributes to one.',
        usage='[$id=ID|ID:] UNAME[:member|remote] [description=D] [attributes N=V...] [utilization N=V...]',
        long_help=(
            'An existing node (by uname or id) gets the attributes merged in; a new one is created. The '
            "first attribute list needs no 'attributes' keyword."
        ),
        parser='node',
        examples=('node node1 attributes standby=off', 'node 2: n2 utilization memory=1024'),
    ),
    Statement(
        'primitive',
        'Define a primitive resource.',
        usage=(
            "ID [CLASS:[PROVIDER:]]TYPE|@TEMPLATE [description=D] [params N=V...] [meta N=V...] "
            "[utilization N=V...] [operations $id=ID] [op ACTION [ATTR=V...] [op_params N=V...] [op_meta N=V...]]..."
        ),
        long_help=(
            'A bare TYPE means ocf with the provider found by crm_resource (heartbeat first). The first '
            "attribute list needs no 'params' keyword. Op attributes known to Pacemaker (interval, timeout, "
            'role, on-fail, ...) go on the op, others become op instance attributes; an op without interval '
            'gets interval=0. Ids are generated as crmsh does (vip-monitor-10s).'
        ),
        parser='primitive',
        examples=(
            "primitive vip ocf:heartbeat:IPaddr2 params ip=10.0.0.1 op monitor interval=10s",
            "primitive d1 Dummy meta target-role=Stopped",
        ),
    ),
    Statement(
        'rsc_template',
        'Define a resource template (primitives refer to it with @ID).',
        usage='ID [CLASS:[PROVIDER:]]TYPE [params ...] [meta ...] [op ...]',
        long_help=(
            "Same syntax as primitive; primitives use it with '@ID' instead of an agent."
        ),
        parser='primitive',
        legacy=('template',),
        examples=('rsc_template web-tpl apache op monitor interval=30s',),
    ),
    Statement(
        'group',
        'Group primitives: started in order, kept on one node.',
        usage='ID RSC... [description=D] [meta N=V...] [params N=V...]',
        long_help=(
            'Members must be existing primitives that are not in another group or clone; they move into the '
            'group in the order given. Constraints on the members are moved to the group.'
        ),
        parser='container',
        examples=('group web vip apache meta target-role=Started',),
    ),
    Statement(
        'clone',
        'Run a resource on several nodes (meta promotable=true for promotable clones).',
        usage='ID RSC [description=D] [meta N=V...] [params N=V...]',
        long_help=(
            "Without 'meta', attributes after the child become instance attributes (crmsh does the same); "
            "use 'meta promotable=true' for a promotable clone. A clone of a clone is refused."
        ),
        parser='container',
        examples=('clone ping-clone ping meta interleave=true',),
    ),
    Statement(
        'ms',
        'Define a legacy master/slave resource (deprecated: clone with promotable=true).',
        usage='ID RSC [meta N=V...] [params N=V...]',
        long_help=(
            'Kept for old configurations; the XML is <master>.'
        ),
        parser='container',
        legacy=('master',),
        examples=('ms db-ms db meta notify=true',),
    ),
    Statement(
        'location',
        'Prefer or avoid nodes for a resource (score and node, or rules).',
        usage=(
            "ID RSC|/REGEX/|{ RSC... } [role=ROLE] [resource-discovery=always|never|exclusive] "
            "(SCORE: NODE | rule [$role=ROLE] [SCORE:] EXPRESSION [and|or EXPRESSION]...)"
        ),
        long_help=(
            'Scores: integers, inf, -inf, +inf, mandatory, advisory. Rules combine expressions with and/or '
            '(not both): ATTR [string:|number:|version:]lt|gt|lte|gte|eq|ne VALUE, defined/not_defined ATTR,'
            ' date lt|gt DATE, date in start=.. end=..|DURATION, date spec KEY=V...'
        ),
        parser='location',
        examples=('location l1 vip 100: node1', 'location l2 app rule -inf: not_defined pingd or pingd lte 0'),
    ),
    Statement(
        'colocation',
        'Keep resources together (positive score) or apart (negative).',
        usage='ID SCORE: RSC[:ROLE] WITH-RSC[:ROLE] | ID SCORE: RSC... ( RSC... ) [ RSC... ] [node-attribute=A]',
        long_help=(
            'Two resources give the simple form (the first is placed relative to the second); more, or '
            'brackets, give resource sets: ( ) for sequential=false, [ ] also require-all=false.'
        ),
        parser='colocation',
        aliases=('collocation',),
        examples=('colocation c1 inf: app db:Promoted', 'colocation c2 inf: a ( b c ) d'),
    ),
    Statement(
        'order',
        'Order actions on resources.',
        usage='ID [Mandatory|Optional|Serialize|SCORE:] FIRST[:ACTION] THEN[:ACTION] [RSC...] [symmetrical=BOOL]',
        long_help=(
            'Mandatory/Optional/Serialize set the kind; a score sets Mandatory (Optional for 0). More than '
            'two resources or brackets give resource sets, split where the action changes.'
        ),
        parser='order',
        examples=('order o1 Mandatory: db app', 'order o2 Optional: a:start b:promote'),
    ),
    Statement(
        'rsc_ticket',
        'Make resources depend on a ticket.',
        usage='ID TICKET: RSC[:ROLE]... [loss-policy=stop|demote|fence|freeze]',
        long_help=(
            'One resource gives rsc=, several give resource sets split by role.'
        ),
        parser='ticket',
        examples=('rsc_ticket t1 ticketA: db loss-policy=stop',),
    ),
    Statement(
        'property',
        'Set cluster properties (cib-bootstrap-options or a named set).',
        usage='[SETID:|$id=SETID] [rule ...] NAME=VALUE...',
        long_help=(
            'Existing values are updated in place; new names are added to the set (cib-bootstrap-options '
            'unless a set id is given). no-quorum-policy must be stop, freeze, ignore, demote or suicide. '
            'Without arguments, lists the cluster options.'
        ),
        parser='defaults',
        examples=('property stonith-enabled=false no-quorum-policy=stop',),
    ),
    Statement(
        'rsc_defaults',
        'Set resource meta attribute defaults.',
        usage='[SETID:|$id=SETID] [rule ...] NAME=VALUE...',
        long_help=(
            'Values go into the rsc-options set unless a set id is given.'
        ),
        parser='defaults',
        examples=('rsc_defaults resource-stickiness=100',),
    ),
    Statement(
        'op_defaults',
        'Set operation defaults.',
        usage='[SETID:|$id=SETID] [rule ...] NAME=VALUE...',
        long_help=(
            'Values go into the op-options set unless a set id is given.'
        ),
        parser='defaults',
        examples=('op_defaults timeout=60s',),
    ),
    Statement(
        'fencing_topology',
        'Define fencing levels (per node, attribute or pattern).',
        usage='[TARGET:] DEV[,DEV...]... [TARGET: DEV...]...',
        long_help=(
            'Without targets the levels apply to every node. Targets: NODE:, attr:NAME=VALUE, pattern:REGEX.'
            ' Each DEV[,DEV] word is one level.'
        ),
        parser='fencing',
        aliases=('fencing-topology',),
        examples=('fencing_topology node1: ipmi1 node2: ipmi2', 'fencing_topology f1 f2'),
    ),
    Statement(
        'tag',
        'Tag objects to refer to them together.',
        usage='ID[:] OBJ...',
        long_help=(
            'Every object must exist.'
        ),
        parser='tag',
        examples=('tag web vip apache',),
    ),
    Statement(
        'monitor',
        'Add a monitor operation to a primitive.',
        usage='RSC[:ROLE] INTERVAL[:TIMEOUT]',
        long_help=(
            'The op id is RSC-monitor-INTERVAL (with -0, -1, ... if taken).'
        ),
        parser='monitor',
        examples=('monitor vip 30s:20s',),
    ),
    Statement(
        'xml',
        'Add a configuration object given as raw XML.',
        usage='<ELEMENT ...>',
        long_help=(
            'The element goes to the section its tag belongs to; missing ids are generated. Quote the XML as'
            ' one word, or type it unquoted.'
        ),
        parser='xml',
        examples=('xml <primitive id="d9" class="ocf" provider="heartbeat" type="Dummy"/>',),
    ),
)

STATEMENTS += (
    Statement(
        'bundle',
        'Define a container bundle (docker, podman or rkt) and the primitive it runs.',
        usage=(
            'ID [description=D] docker|podman|rkt K=V... [network K=V... [port-mapping K=V...]...] '
            '[storage [storage-mapping K=V...]...] [primitive RSC] [meta N=V...]'
        ),
        long_help=(
            'The primitive must exist and not be in a group or clone; it moves into the bundle. '
            'Port and storage mappings without id= get ID-0, ID-1, ... as crm writes them.'
        ),
        parser='bundle',
        examples=('bundle web docker image=httpd replicas=2 network port-mapping port=80 primitive apache',),
    ),
    Statement(
        'alert',
        'Run an alert agent on cluster events, with its recipients.',
        usage=(
            'ID PATH [attributes N=V...] [meta N=V...] [select nodes|fencing|resources|attributes { NAME... }] '
            '[to [{] RECIPIENT [attributes N=V...] [meta N=V...] [}]]...'
        ),
        long_help=(
            "Recipients are numbered ID-recipient-1, -2, ...; use '{ }' around a recipient when its "
            'attributes are followed by the alert\'s own.'
        ),
        parser='alert',
        examples=('alert snmp /usr/share/pacemaker/alerts/alert_snmp.sh to 192.168.1.9',),
    ),
    Statement(
        'role',
        'Define an ACL role: read, write or deny rules on parts of the CIB.',
        usage='ID [description=D] (read|write|deny) SPEC... [(read|write|deny) SPEC...]...',
        long_help=(
            'SPEC: xpath:XPATH, ref:ID, tag:TYPE, attr:NAME, or a shortcut: meta:RSC[:ATTR], params:RSC[:ATTR], '
            'utilization:RSC, location:RSC, property[:NAME], node[:UNAME], nodeattr[:NAME], nodeutil[:UNAME], '
            'status, cib.'
        ),
        parser='role',
        examples=('role operator write meta:web:target-role read ref:web',),
    ),
    Statement(
        'acl_target',
        'Give a user (an ACL target) its roles.',
        usage='ID ROLE...',
        long_help='The ACLs apply when the property enable-acl=true.',
        parser='acl_target',
        examples=('acl_target alice operator',),
    ),
    Statement(
        'user',
        'The old ACL user syntax (refused: use acl_target).',
        usage='ID ...',
        long_help="Pacemaker's current CIB schema has no <acl_user>; crm refuses it too.",
        parser='user',
    ),
)

#: statements `show` prints (crm syntax) that configure does not accept yet
SHOWN_ONLY: tuple[Statement, ...] = (
    Statement("acl_group", "An ACL group and its roles."),
)

_BY_WORD = {w: s for s in STATEMENTS for w in s.words}


def find(word: str) -> Statement | None:
    """The statement a word starts (exact name, alias or legacy name; case-insensitive)."""
    return _BY_WORD.get(word.lower())


def names() -> tuple[str, ...]:
    """Names of the statements configure accepts, in table order (aliases not included)."""
    return tuple(s.name for s in STATEMENTS)


def all_words() -> tuple[str, ...]:
    """Every word that starts a statement, including those `show` prints only (for highlighting)."""
    return tuple(w for s in (*STATEMENTS, *SHOWN_ONLY) for w in s.words)
