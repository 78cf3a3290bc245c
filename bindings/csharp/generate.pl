#!/usr/bin/perl
# Generates bindings/csharp/src/Native.g.cs from include/onshi.h: the P/Invoke declarations
# (SafeHandle-typed), the constants as C# enums, and the typed properties of every record
# (Qualification, PublicExpense, Diff, History, BasicInfo …) and of the items of their lists (DiffFieldItem,
# HistoryVersion, Patient, Candidate …), read from the "(text)", "(date)", "(enum Verdict)" …
# tag of each ONSHI_FIELD_* doc comment.
#
#   perl bindings/csharp/generate.pl include/onshi.h > bindings/csharp/src/Native.g.cs
#
# bindings/run-tests.sh regenerates it and fails when the committed file differs, so the C#
# binding can never miss a function or a constant of the header.
use strict;
use warnings;
use utf8;

my $path = shift or die "usage: generate.pl include/onshi.h\n";
open my $fh, '<:encoding(UTF-8)', $path or die "$path: $!\n";
my $h = do { local $/; <$fh> };
close $fh;
binmode STDOUT, ':encoding(UTF-8)';

sub xml { my $s = shift; $s =~ s/&/&amp;/g; $s =~ s/</&lt;/g; $s =~ s/>/&gt;/g; $s =~ s/`//g; $s }
sub pascal { join '', map { ucfirst lc } split /_/, shift }

# ---- constants: "/** doc */ #define ONSHI_NAME 123" ----
my @groups = (
    [ 'ONSHI_FIELD_',      'Field',          'A field of a record (onshi_field).' ],
    [ 'ONSHI_QUERY_KIND_', 'QueryKind',      'How the person was queried (onshi_query_kind).' ],
    [ 'ONSHI_KIND_',       'RecordKind',     'What a diff or history is about: the qualification or a 公費 (onshi_record_kind).' ],
    [ 'ONSHI_VERDICT_',    'Verdict',        'The overall outcome of a diff (onshi_verdict).' ],
    [ 'ONSHI_DIFF_CLASS_', 'DiffClass',      'How the two values of one field relate (onshi_diff_class).' ],
    [ 'ONSHI_ACTION_',     'DiffAction',     'The recommended action for one field (onshi_action).' ],
    [ 'ONSHI_ADVICE_',     'Advice',         'Why a field got its action (onshi_advice).' ],
    [ 'ONSHI_CAUSE_',      'Cause',          'Why an answer does not confirm a qualification (onshi_cause).' ],
    [ 'ONSHI_NOTICE_',     'Notice',         'A notice of a diff (onshi_notice).' ],
    [ 'ONSHI_REASON_',     'ReasonFlags',    'Why two texts are equivalent (onshi_reason_flags).' ],
    [ 'ONSHI_DECISION_',   'Decision',       'A staff decision on one field (onshi_decision).' ],
    [ 'ONSHI_START_DATE_', 'StartDatePolicy', 'How a new version is dated (onshi_start_date_policy).' ],
    [ 'ONSHI_STATE_',      'VersionState',   'A history version\'s state (onshi_version_state).' ],
    [ 'ONSHI_SOURCE_',     'Source',         'Where a version\'s data came from (onshi_source).' ],
    [ 'ONSHI_AUDIT_',      'AuditEvent',     'What an audit event records (onshi_audit_event).' ],
    [ 'ONSHI_STRENGTH_',   'Strength',       'How sure a matching candidate is (onshi_strength).' ],
    [ 'ONSHI_MATCH_',      'MatchFlags',     'Evidence for a candidate (onshi_match_flags).' ],
    [ 'ONSHI_CONFLICT_',   'ConflictFlags',  'Evidence against a candidate (onshi_conflict_flags).' ],
    [ 'ONSHI_CLINIC_KIND_', 'ClinicKind',    'The clinic\'s kind of care, for the 医療券 checks of a review (onshi_clinic_kind).' ],
    [ 'ONSHI_RECHECK_',    'RecheckReason',  'Why an answer should be asked again later (onshi_recheck_reason).' ],
    [ 'ONSHI_WARNING_',    'WarningKind',    'What a warning of a parsed document is about (onshi_warning_kind).' ],
    [ 'ONSHI_CARD_SEX_',   'CardSex',        'Sex on the My Number card, ISO 5218 (onshi_card_sex).' ],
    [ 'ONSHI_PRESENTATION_', 'Presentation', 'What the patient presented at reception (onshi_presentation).' ],
    [ 'ONSHI_REPORT_FORMAT_', 'ReportFormat', 'How a usage report is written (onshi_report_format).' ],
    [ 'ONSHI_MESSAGE_TYPE_', 'MessageType',  'The kind of message of a document (onshi_message_type).' ],
    [ 'ONSHI_ENCODING_',   'FileEncoding',       'A file\'s character encoding (onshi_encoding).' ],
    [ 'ONSHI_FAMILY_',     'Family',         'A message family of the interface (onshi_family).' ],
    [ 'ONSHI_BEHAVIOUR_',  'Behaviour',      'How the emulated terminal behaves (onshi_behaviour).' ],
    [ 'ONSHI_DOCUMENT_KIND_', 'DocumentKind', 'Which consent-gated document onshi_client_document retrieves (onshi_document_kind).' ],
    [ 'ONSHI_FACE_',       'FaceAck',        'What a face handler wants done with the result it was given (onshi_face_ack).' ],
    [ 'ONSHI_LIST_',       'ListKind',       'A list of a record (onshi_list).' ],
    [ 'ONSHI_VALUE_TYPE_', 'FieldValueType', 'The value type of a field (onshi_value_type).' ],
    [ 'ONSHI_CODE_TABLE_', 'CodeTable',      'A code table (onshi_code_table).' ],
    [ 'ONSHI_ID_KIND_',    'IdKind',         'Which identifier (onshi_id_kind).' ],
    [ 'ONSHI_MODE_',       'Mode',           'How strictly an identifier is checked (onshi_mode).' ],
    [ 'ONSHI_INSURER_',    'InsurerFlags',   'What kind of insurer a 保険者番号 is (flags).' ],
    [ 'ONSHI_VERSION_',    'HeaderVersion',  'The version of the header the binding was generated from.' ],
    [ 'ONSHI_RECORD_',     'HeaderVersion',  undef ],
    [ 'ONSHI_',            'Status',         'The status of a call (onshi_status): Ok or an error code.' ],
);
my (%members, %doc_of_group, @order, %field_type);
while ($h =~ m{/\*\*((?:(?!\*/).)*)\*/\s*#define (ONSHI_\w+) (\d+)\n}sg) {
    my ($doc, $name, $value) = ($1, $2, $3);
    $doc =~ s/^\s*\*\s?//mg;
    $doc =~ s/\s+/ /g;
    $doc =~ s/^\s+|\s+$//g;
    for my $g (@groups) {
        my ($prefix, $type, $gdoc) = @$g;
        next unless index($name, $prefix) == 0;
        my $member = $prefix eq "ONSHI_RECORD_" ? pascal(substr($name, 6)) : pascal(substr($name, length $prefix));
        push @order, $type unless exists $members{$type};
        $doc_of_group{$type} //= $gdoc;
        push @{ $members{$type} }, [ $member, $value, $doc ];
        if ($type eq 'Field' && $doc =~ /\((text|id|code|date|date-time|ratio|integer|json|enum (\w+))[;,:)]/) {
            my ($t, $enum) = ($1, $2);
            $t = 'enum' if defined $enum;
            $field_type{$member} = [ $t, $value, $enum, ($doc =~ /read-only/ ? 1 : 0) ];
        }
        last;
    }
}

# ---- functions: "ret onshi_x(params);" ----
(my $code = $h) =~ s{/\*.*?\*/}{}sg;
my @funcs;
while ($code =~ m{^([A-Za-z_][\w ]*?\s*\**)\s*(onshi_\w+)\(([^;]*?)\);}mg) {
    my ($ret, $name, $params) = ($1, $2, $3);
    $ret =~ s/\s+$//;
    $params =~ s/\s+/ /g;
    push @funcs, [ $ret, $name, $params ];
}

my %handle = (
    onshi_qualification => 'QualificationHandle', onshi_error => 'ErrorHandle',
    onshi_public_expense => 'PublicExpenseHandle',
    onshi_diff => 'DiffHandle', onshi_history => 'HistoryHandle', onshi_choices => 'ChoicesHandle',
    onshi_matching => 'MatchingHandle', onshi_candidates => 'CandidatesHandle',
    onshi_card => 'CardHandle', onshi_basic_info => 'BasicInfoHandle',
    onshi_virtual_card => 'VirtualCardHandle', onshi_document => 'DocumentHandle',
    onshi_ticket => 'TicketHandle', onshi_client => 'ClientHandle', onshi_emulator => 'EmulatorHandle',
    onshi_cancel_token => 'CancelTokenHandle',
);
my %struct = (
    onshi_date => 'OnshiDate', onshi_datetime => 'OnshiDateTime', onshi_limits => 'OnshiLimits',
    onshi_file_name_info => 'OnshiFileNameInfo', onshi_bulk_options => 'OnshiBulkOptions',
    onshi_emulator_stats => 'OnshiEmulatorStats',
);
my $handles = join '|', sort keys %handle;
# Every "typedef uint32_t onshi_x;" of the header is a uint32_t enumeration.
my %u32 = map { $_ => 1 } ('uint32_t', $h =~ /^typedef uint32_t (onshi_\w+);/mg);

sub cs_param {
    my ($fname, $p, $prev) = @_;
    $p =~ s/^\s+|\s+$//g;
    $p =~ /^(.*?)(\w+)$/ or die "param $p\n";
    my ($t, $n) = ($1, $2);
    $t =~ s/\bstruct //g;
    $t =~ s/\s+$//;
    $n = '@' . $n if $n =~ /^(out|in|ref|string|object|base)$/;
    my $const = $t =~ s/^const //;
    if ($t =~ /^($handles) \*\*$/) { return "out $handle{$1} $n" }
    if ($t =~ /^($handles) \*$/) {
        return "IntPtr $n" if $fname =~ /_free$/;
        return "$handle{$1} $n";
    }
    return "byte[] $n" if $t eq 'uint8_t *' && $const;
    return "[Out] byte[] $n" if $t eq 'uint8_t *' && $n eq 'buf';
    return "out byte $n" if $t eq 'uint8_t *';
    return "IntPtr $n" if $t eq 'void *';
    return "OnshiFaceCallback $n" if $t eq 'onshi_face_callback';
    return "OnshiCipherCallback $n" if $t eq 'onshi_cipher_callback';
    # Only handed to the cipher callback, valid during its call: a raw pointer.
    return "IntPtr $n" if $t eq 'onshi_cipher_output *';
    return "[Out] byte[] $n" if $t eq 'char *';
    return "[MarshalAs(UnmanagedType.I1)] out bool $n" if $t eq 'bool *';
    return "out UIntPtr $n" if $t eq 'size_t *';
    return "out uint $n" if $t =~ /^(\w+) \*$/ && $u32{$1};
    return ($const ? 'ref ' : 'out ') . "$struct{$1} $n" if $t =~ /^(\w+) \*$/ && $struct{$1};
    return "UIntPtr $n" if $t eq 'size_t';
    return "ushort $n" if $t eq 'uint16_t';
    return "int $n" if $t eq 'int32_t';
    return "[MarshalAs(UnmanagedType.I1)] bool $n" if $t eq 'bool';
    return "uint $n" if $u32{$t};
    die "unmapped parameter type '$t' in $fname\n";
}

sub cs_ret {
    my ($fname, $t) = @_;
    $t =~ s/\bstruct //g;
    return 'uint' if $u32{$t};
    return 'void' if $t eq 'void';
    return 'ulong' if $t eq 'uint64_t';
    return $handle{$1} if $t =~ /^($handles) \*$/;
    die "unmapped return type '$t' in $fname\n";
}

print <<'HEAD';
// <auto-generated>
// Generated by bindings/csharp/generate.pl from include/onshi.h. Do not edit:
// bindings/run-tests.sh fails when this file is stale.
// </auto-generated>
using System;
using System.Runtime.InteropServices;

namespace Onshi
{
HEAD

for my $type (@order) {
    my $gdoc = $doc_of_group{$type};
    print "    /// <summary>", xml($gdoc), "</summary>\n";
    if ($type eq 'HeaderVersion') {
        print "    public static class HeaderVersion\n    {\n";
        for my $m (@{ $members{$type} }) {
            print "        /// <summary>", xml($m->[2]), "</summary>\n";
            print "        public const uint $m->[0] = $m->[1];\n";
        }
        print "    }\n\n";
        next;
    }
    print "    [Flags]\n" if $type eq 'InsurerFlags';
    print "    public enum $type : uint\n    {\n";
    print "        /// <summary>No flag.</summary>\n        None = 0,\n" if $type eq 'InsurerFlags';
    for my $m (@{ $members{$type} }) {
        print "        /// <summary>", xml($m->[2]), "</summary>\n";
        print "        $m->[0] = $m->[1],\n";
    }
    print "    }\n\n";
}

print <<'NATIVE';
    /// <summary>The raw P/Invoke declarations of onshi.h. Use the wrapper classes instead.</summary>
    internal static partial class NativeMethods
    {
        private const string Lib = "onshi";

NATIVE
for my $f (@funcs) {
    my ($ret, $name, $params) = @$f;
    my @ps = $params eq 'void' ? () : split /,/, $params;
    my $cs = join ', ', map { cs_param($name, $_) } @ps;
    my $r = cs_ret($name, $ret);
    print "        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]\n";
    print "        internal static extern $r $name($cs);\n\n";
}
print "    }\n\n";

my %cs_of = (
    'text' => [ 'string', 'GetText', 'SetText' ], 'id' => [ 'string', 'GetText', 'SetText' ],
    'code' => [ 'string', 'GetText', 'SetText' ], 'date' => [ 'DateTime?', 'GetDate', 'SetDate' ],
    'date-time' => [ 'DateTime?', 'GetDateTime', 'SetDateTime' ],
    'ratio' => [ 'uint?', 'GetUInt32', 'SetUInt32' ], 'integer' => [ 'uint?', 'GetUInt32', 'SetUInt32' ],
    'json' => [ 'string', 'GetText', 'SetText' ], 'enum' => [ undef, 'GetUInt32', undef ],
);

# The records and list items with typed properties: field range, class, owner (for list
# items), list, prefix stripped from member names, and whether the fields can be set.
my @records = (
    [ 1,   99,  'Qualification',     undef,        undef,             '',           1 ],
    [ 801, 849, 'PublicExpense',     undef,        undef,             'PublicExpense', 1 ],
    [ 501, 549, 'Diff',              undef,        undef,             'Diff',       0 ],
    [ 551, 579, 'DiffFieldItem',     'Diff',       'DiffFields',      'DiffItem',   0 ],
    [ 581, 589, 'DiffNoticeItem',    'Diff',       'DiffNotices',     'DiffNotice', 0 ],
    [ 601, 649, 'History',           undef,        undef,             'History',    0 ],
    [ 651, 679, 'HistoryVersion',    'History',    'HistoryVersions', 'Version',    0 ],
    [ 681, 699, 'HistoryAuditEntry', 'History',    'HistoryAudit',    'Audit',      0 ],
    [ 701, 719, 'Patient',           'Matching',   'Patients',        'Patient',    1 ],
    [ 721, 739, 'Candidate',         'Candidates', 'Candidates',      'Candidate',  0 ],
    [ 741, 759, 'BasicInfo',         undef,        undef,             'BasicInfo',  0 ],
    [ 401, 429, 'Document',          undef,        undef,             'Document',   1 ],
    [ 430, 439, 'DocumentWarning',   'Document',   'DocumentWarnings', 'DocumentWarning', 0 ],
    [ 440, 449, 'DocumentRegistration', 'Document', 'DocumentRegistrations', 'Registration', 0 ],
    [ 451, 479, 'DocumentQuery',     'Document',   'DocumentQueries', 'Query',      1 ],
    [ 481, 499, 'DocumentUnit',      'Document',   'DocumentUnits',   'Unit',       1 ],
);
for my $r (@records) {
    my ($lo, $hi, $class, $owner, $list, $strip, $writable) = @$r;
    my @members = grep { $_->[1] >= $lo && $_->[1] <= $hi } @{ $members{Field} };
    next unless @members;
    print "    public sealed partial class $class\n    {\n";
    for my $m (@members) {
        my ($member, $value, $doc) = @$m;
        my $ft = $field_type{$member} or die "no value type in the doc of field $member\n";
        my ($kind, undef, $enum, $ro) = @$ft;
        my ($cs, $get, $set) = @{ $cs_of{$kind} };
        my $name = $member;
        $name = substr($name, length $strip) if $strip ne '' && index($name, $strip) == 0 && length($name) > length($strip);
        my $f = "Onshi.Field.$member";
        my ($getter, $setter);
        if (defined $owner) {
            $get =~ s/^Get/GetItem/;
            $getter = "owner.$get(ListKind.$list, index, $f)";
            (my $s = $set // '') =~ s/^Set/SetItem/;
            $setter = "owner.$s(ListKind.$list, index, $f, value)";
        } else {
            $getter = "$get($f)";
            $setter = ($set // '') . "($f, value)";
        }
        if ($kind eq 'enum') {
            $cs = "Onshi.$enum?";
            $getter = "{ uint? v = $getter; return v.HasValue ? (Onshi.$enum?)v.Value : null; }";
        } else {
            $getter = "{ return $getter; }";
        }
        my $can_set = $writable && !$ro && defined $set;
        my $tail = $can_set ? ' Null when absent; setting null clears it.' : ' Null when absent.';
        print "        /// <summary>", xml($doc), "$tail</summary>\n";
        print "        public $cs $name { get $getter", ($can_set ? " set { $setter; }" : ''), " }\n\n";
    }
    print "    }\n\n";
}
print "}\n";
