#!/usr/bin/env perl
# The C ABI check (ABI.md): compares include/onshi.h with the header of the last release kept
# in abi/ and fails on a break unless the version in Cargo.toml allows one.
#
#   perl scripts/abi-check.pl                         # include/onshi.h against the newest abi/onshi-*.h
#   perl scripts/abi-check.pl --old A.h --new B.h --version 0.2.0
#
# What it compares:
#   functions   name, return type and parameter types (names of parameters do not matter)
#   typedefs    opaque handles, integer typedefs (onshi_status …), callback types
#   constants   every #define with an integer value (enumerations, fields, statuses, flags)
#   structs     size, alignment, and offset and size of every field, measured by compiling
#               both headers for every compiler found (gcc, x86_64- and i686-w64-mingw32-gcc)
#               without running anything: each number becomes the size of a common
#               symbol (a global array), read back with nm.
# A break is a removal or a change of any of these (a renumbered constant, a new parameter,
# a field that moved, a struct that grew). Additions are compatible. A break is allowed
# only when the "major" version went up: MAJOR for 1.x and later, MINOR for 0.x (Cargo's
# semver rule, the one ABI.md states). Exit status: 0 = compatible or allowed, 1 = break
# not allowed, 2 = the check itself could not run.
use strict;
use warnings;
use File::Temp qw(tempdir);
use File::Basename qw(dirname);
use Getopt::Long;

my $root = dirname(dirname(__FILE__));
my ($old, $new, $version, $quiet, $abi_dir);
GetOptions(
    'old=s'     => \$old,
    'new=s'     => \$new,
    'version=s' => \$version,
    'quiet'     => \$quiet,
    'abi-dir=s' => \$abi_dir,
) or die "usage: $0 [--old HEADER | --abi-dir DIR] [--new HEADER] [--version X.Y.Z]\n";
$new //= "$root/include/onshi.h";
$old //= newest_release_header($abi_dir // "$root/abi");
$version //= cargo_version("$root/Cargo.toml");

sub fail_setup { print STDERR "abi-check: @_\n"; exit 2 }

sub newest_release_header {
    my ($dir) = @_;
    opendir(my $d, $dir) or fail_setup("no folder $dir (released headers)");
    my @h = map { /^onshi-(\d+)\.(\d+)\.(\d+)\.h$/ ? [$_, [$1, $2, $3]] : () } readdir $d;
    closedir $d;
    @h or fail_setup("no abi/onshi-X.Y.Z.h in $dir");
    @h = sort { cmp_version($a->[1], $b->[1]) } @h;
    return "$dir/$h[-1][0]";
}

sub cmp_version {
    my ($a, $b) = @_;
    for my $i (0 .. 2) { my $c = $a->[$i] <=> $b->[$i]; return $c if $c }
    return 0;
}

sub cargo_version {
    my ($toml) = @_;
    open(my $f, '<', $toml) or fail_setup("cannot read $toml");
    my $in_package = 0;
    while (<$f>) {
        $in_package = /^\[package\]/ if /^\[/;
        return $1 if $in_package && /^version\s*=\s*"([^"]+)"/;
    }
    fail_setup("no [package] version in $toml");
}

sub slurp {
    my ($path) = @_;
    open(my $f, '<', $path) or fail_setup("cannot read $path");
    local $/;
    return scalar <$f>;
}

sub norm { my ($s) = @_; $s =~ s/\s+/ /g; $s =~ s/\s*([*(),])\s*/$1/g; $s =~ s/^ | $//g; return $s }

# A parameter without its name: "const uint8_t *text" -> "const uint8_t*".
sub param_type {
    my ($p) = @_;
    $p = norm($p);
    return $p if $p eq 'void';
    $p =~ s/\s*\b[A-Za-z_]\w*$// unless $p =~ /\(/;    # not for function-pointer parameters
    return norm($p);
}

# Everything the check compares, from one header's text.
sub parse_header {
    my ($path) = @_;
    my $text = slurp($path);
    $text =~ s{/\*.*?\*/}{}gs;
    $text =~ s{//[^\n]*}{}g;
    my (%func, %typedef, %const, %struct);

    # #defines with an integer value (expressions over other constants allowed).
    my %raw;
    while ($text =~ /^\s*#\s*define\s+(\w+)[ \t]+([^\n]+)$/mg) { $raw{$1} = $2 }
    for my $name (keys %raw) {
        my $v = eval_const($name, \%raw, {});
        $const{$name} = $v if defined $v;
    }
    $text =~ s/^\s*#[^\n]*$//mg;

    # struct definitions: typedef struct name { fields } name;
    while ($text =~ /typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;/gs) {
        my ($tag, $body, $name) = ($1, $2, $3);
        my @fields;
        for my $decl (split /;/, $body) {
            $decl = norm($decl);
            next if $decl eq '';
            $decl =~ /^(.*?)\s*\b(\w+)\s*(\[[^\]]*\])?$/ or fail_setup("cannot read field '$decl' of $name in $path");
            push @fields, { name => $2, type => norm($1 . ($3 // '')) };
        }
        $struct{$name} = \@fields;
        $typedef{$name} = "struct $tag {" . join(';', map { "$_->{type} $_->{name}" } @fields) . '}';
    }
    (my $rest = $text) =~ s/typedef\s+struct\s+\w+\s*\{.*?\}\s*\w+\s*;//gs;
    # Opaque and plain typedefs, callback typedefs.
    while ($rest =~ /typedef\s+([^;{}]*?)\s*\(\s*\*\s*(\w+)\s*\)\s*\(([^;]*?)\)\s*;/gs) {
        my ($ret, $name, $params) = ($1, $2, $3);
        $typedef{$name} = norm($ret) . ' (*)(' . join(',', map { param_type($_) } split /,/, $params) . ')';
    }
    $rest =~ s/typedef\s+[^;{}]*?\(\s*\*\s*\w+\s*\)\s*\([^;]*?\)\s*;//gs;
    while ($rest =~ /typedef\s+([^;{}]+?)\s+(\w+)\s*;/gs) { $typedef{$2} = norm($1) }
    $rest =~ s/typedef\s+[^;{}]+?\s+\w+\s*;//gs;

    # Function declarations: "ret name(params);" at file scope.
    while ($rest =~ /([A-Za-z_][\w\s\*]*?)\b(onshi_\w+)\s*\(([^;{}]*?)\)\s*;/gs) {
        my ($ret, $name, $params) = ($1, $2, $3);
        my @p = map { param_type($_) } split /,(?![^()]*\))/, $params;
        $func{$name} = norm($ret) . ' (' . join(',', @p) . ')';
    }
    return { func => \%func, typedef => \%typedef, const => \%const, struct => \%struct, path => $path };
}

# The value of an integer #define, following references to other #defines; undef when it is
# not an integer constant (strings, function-like macros, the include guard).
sub eval_const {
    my ($name, $raw, $seen) = @_;
    return undef if $seen->{$name}++;
    my $e = $raw->{$name};
    return undef unless defined $e;
    $e =~ s/\s+$//;
    return undef if $e eq '' || $e =~ /["#]/;
    $e =~ s/\b(0[xX][0-9A-Fa-f]+|\d+)[uUlL]*\b/$1/g;
    $e =~ s/\b([A-Za-z_]\w*)\b/my $v = eval_const($1, $raw, {%$seen}); defined $v ? $v : "\x00"/ge;
    return undef if $e =~ /\x00/;
    return undef unless $e =~ /^[\s\d()xXa-fA-F<>|&+\-*~]+$/;
    my $v = eval $e;
    return undef if $@ || !defined $v;
    return $v + 0;
}

# Struct layouts for one compiler: { "name" => "size/align", "name.field" => "offset+size" }.
sub layouts {
    my ($cc, $header, $structs, $dir, $tag) = @_;
    my $c = "$dir/layout-$tag.c";
    open(my $f, '>', $c) or fail_setup("cannot write $c");
    print $f "#include <stddef.h>\n#include \"$header\"\n";
    for my $s (sort keys %$structs) {
        print $f "char abi_size__$s\[sizeof($s)];\n";
        print $f "char abi_align__$s\[_Alignof($s)];\n";
        for my $fld (@{ $structs->{$s} }) {
            print $f "char abi_off__${s}__$fld->{name}\[offsetof($s, $fld->{name}) + 1];\n";
            print $f "char abi_fsize__${s}__$fld->{name}\[sizeof((($s *)0)->$fld->{name})];\n";
        }
    }
    close $f;
    my $o = "$dir/layout-$tag.o";
    system("$cc -std=c11 -fcommon -c -o '$o' '$c' 2>'$dir/layout-$tag.err'") == 0
        or fail_setup("$cc cannot compile the layout probe for $header:\n" . slurp("$dir/layout-$tag.err"));
    my $nm = $cc =~ /^(.*-)gcc$/ ? "$1nm" : 'nm';
    my %l;
    for (`$nm -S '$o'`) {
        # Common symbols: ELF prints "value size C name", COFF (no sizes) "size C name".
        my @w = split;
        my ($size, $sym) = @w == 4 ? @w[1, 3] : @w == 3 && $w[1] eq 'C' ? @w[0, 2] : next;
        next unless $sym =~ /^_?abi_(size|align|off|fsize)__(\w+?)(?:__(\w+))?$/;
        my ($what, $s, $fld) = ($1, $2, $3);
        my $n = hex $size;
        $n -= 1 if $what eq 'off';
        $l{defined $fld ? "$s.$fld" : $s}{$what} = $n;
    }
    return \%l;
}

my $o = parse_header($old);
my $n = parse_header($new);
my (@breaks, @adds);

for my $kind (qw(func typedef)) {
    my $label = $kind eq 'func' ? 'function' : 'type';
    for my $name (sort keys %{ $o->{$kind} }) {
        if (!exists $n->{$kind}{$name}) {
            push @breaks, "removed $label $name";
        } elsif ($o->{$kind}{$name} ne $n->{$kind}{$name}) {
            push @breaks, "changed $label $name: $o->{$kind}{$name}  ->  $n->{$kind}{$name}";
        }
    }
    push @adds, map { "added $label $_" } grep { !exists $o->{$kind}{$_} } sort keys %{ $n->{$kind} };
}
for my $name (sort keys %{ $o->{const} }) {
    next if $name =~ /^ONSHI_VERSION_(MAJOR|MINOR|PATCH|NUMBER)$/;    # change with every release
    if (!exists $n->{const}{$name}) {
        push @breaks, "removed constant $name (was $o->{const}{$name})";
    } elsif ($o->{const}{$name} != $n->{const}{$name}) {
        push @breaks, "renumbered constant $name: $o->{const}{$name} -> $n->{const}{$name}";
    }
}
push @adds, map { "added constant $_ = $n->{const}{$_}" } grep { !exists $o->{const}{$_} } sort keys %{ $n->{const} };

# Layouts of the structs both headers define, for every compiler present.
my @compilers = grep { system("command -v $_ >/dev/null 2>&1") == 0 } qw(gcc x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc);
@compilers or fail_setup('no C compiler (gcc) to measure struct layouts');
my $tmp = tempdir(CLEANUP => 1);
my %common = map { $_ => $n->{struct}{$_} } grep { exists $n->{struct}{$_} } keys %{ $o->{struct} };
my %old_structs = map { $_ => $o->{struct}{$_} } keys %common;
my @measured;
for my $cc (@compilers) {
    (my $tag = $cc) =~ s/\W/_/g;
    my $lo = layouts($cc, $o->{path} =~ m{^/} ? $o->{path} : "$ENV{PWD}/$o->{path}", \%old_structs, $tmp, "old-$tag");
    my $ln = layouts($cc, $n->{path} =~ m{^/} ? $n->{path} : "$ENV{PWD}/$n->{path}", \%common, $tmp, "new-$tag");
    push @measured, $cc;
    for my $s (sort keys %common) {
        my ($a, $b) = ($lo->{$s}, $ln->{$s});
        push @breaks, "struct $s: size $a->{size} -> $b->{size} ($cc)" if $a->{size} != $b->{size};
        push @breaks, "struct $s: alignment $a->{align} -> $b->{align} ($cc)" if $a->{align} != $b->{align};
        for my $fld (map { $_->{name} } @{ $o->{struct}{$s} }) {
            my ($fa, $fb) = ($lo->{"$s.$fld"}, $ln->{"$s.$fld"});
            if (!defined $fb) {
                push @breaks, "struct $s: field $fld removed ($cc)";
            } elsif ($fa->{off} != $fb->{off} || $fa->{fsize} != $fb->{fsize}) {
                push @breaks, "struct $s: field $fld at offset $fa->{off} size $fa->{fsize} -> offset $fb->{off} size $fb->{fsize} ($cc)";
            }
        }
    }
}
# One message per change, not one per compiler, when every compiler agrees.
my %seen_break;
@breaks = grep { (my $k = $_) =~ s/ \([^()]*gcc\)$//; !$seen_break{$k}++ } @breaks;

my $old_v = [ $o->{const}{ONSHI_VERSION_MAJOR}, $o->{const}{ONSHI_VERSION_MINOR}, $o->{const}{ONSHI_VERSION_PATCH} ];
defined $old_v->[0] && defined $old_v->[1] or fail_setup("$old has no ONSHI_VERSION_MAJOR/MINOR");
$version =~ /^(\d+)\.(\d+)\.(\d+)/ or fail_setup("version '$version' is not X.Y.Z");
my $new_v = [ $1, $2, $3 ];
my $breaking_bump = $old_v->[0] == 0
    ? ($new_v->[0] > 0 || $new_v->[1] > $old_v->[1])
    : $new_v->[0] > $old_v->[0];
my $old_s = join('.', map { $_ // 0 } @$old_v);

unless ($quiet) {
    printf "abi-check: %s (%s) against %s (version %s); %d functions, %d constants, %d structs; layouts by %s\n",
        $new, $version, $old, $old_s, scalar(keys %{ $n->{func} }), scalar(keys %{ $n->{const} }),
        scalar(keys %{ $n->{struct} }), join(', ', @measured);
    print "  compatible: $_\n" for @adds;
}
if (!@breaks) {
    print "abi-check: OK, no break (", scalar(@adds), " additions)\n";
    exit 0;
}
print "  BREAK: $_\n" for @breaks;
if ($breaking_bump) {
    print "abi-check: OK, ", scalar(@breaks), " breaking changes allowed by the version bump $old_s -> $version ",
        "(list them in CHANGELOG.md under the new version)\n";
    exit 0;
}
my $need = $old_v->[0] == 0 ? "0." . ($old_v->[1] + 1) . ".0" : ($old_v->[0] + 1) . ".0.0";
print "abi-check: FAILED, ", scalar(@breaks), " breaking changes against the released $old_s, ",
    "but Cargo.toml says $version: keep the ABI, or bump the version to $need (ABI.md)\n";
exit 1;
