#!/usr/bin/env perl
# A CycloneDX 1.5 software bill of materials (JSON) of what one build of onshi contains:
# every crate compiled into the library and the CLI for one target with all features, with
# its version, licence (SPDX expression), package URL and the SHA-256 of the .crate from
# Cargo.lock, plus the dependency graph.
#
#   perl scripts/sbom.pl --target x86_64-pc-windows-gnu > onshi.cdx.json
#
# Generated from `cargo metadata` rather than by cargo-cyclonedx: that tool is one more
# `cargo install` (and its build) on every CI machine, while cargo metadata already resolves
# the graph per target and features, and Cargo.lock has the checksums. Dev-dependencies
# (tests, benches) and build scripts' dependencies are not part of the shipped binaries and
# are left out; proc-macro crates and what only they use are listed with scope "excluded". The output is deterministic: the timestamp is SOURCE_DATE_EPOCH (or the last
# commit's time) and the serial number is derived from the content.
use strict;
use warnings;
use JSON::PP;
use Digest::SHA qw(sha256_hex);
use File::Basename qw(dirname);
use Getopt::Long;
use POSIX qw(strftime);

my $root = dirname(dirname(__FILE__));
my ($target, $features) = (undef, 'all');
GetOptions('target=s' => \$target, 'features=s' => \$features)
    or die "usage: $0 --target TRIPLE [--features all|LIST]\n";
defined $target or die "$0: --target is required\n";

my @feature_args = $features eq 'all' ? ('--all-features') : ('--features', $features);
my $json_text = do {
    open(my $p, '-|', 'cargo', 'metadata', '--format-version', '1', '--locked', '--manifest-path', "$root/Cargo.toml",
        '--filter-platform', $target, @feature_args) or die "cargo metadata: $!";
    local $/;
    <$p>;
};
my $meta = decode_json($json_text);
my %pkg = map { $_->{id} => $_ } @{ $meta->{packages} };
my %node = map { $_->{id} => $_ } @{ $meta->{resolve}{nodes} };
my $root_id = $meta->{resolve}{root} or die "no root package";

# Checksums of the registry crates, from Cargo.lock.
my %checksum;
{
    open(my $l, '<', "$root/Cargo.lock") or die "Cargo.lock: $!";
    my ($name, $version);
    while (<$l>) {
        $name = $1 if /^name = "(.*)"/;
        $version = $1 if /^version = "(.*)"/;
        $checksum{"$name\@$version"} = $1 if /^checksum = "([0-9a-f]{64})"/;
    }
}

# Normal dependencies only, reachable from onshi.
sub normal_deps {
    my ($id) = @_;
    my @out;
    for my $d (@{ $node{$id}{deps} }) {
        next unless grep { !defined $_->{kind} } @{ $d->{dep_kinds} };
        push @out, $d->{pkg};
    }
    return @out;
}
my %seen = ($root_id => 1);
my @queue = ($root_id);
while (@queue) {
    my $id = shift @queue;
    for my $d (normal_deps($id)) { push @queue, $d unless $seen{$d}++ }
}
# Proc-macro crates (serde_derive, clap_derive …) and what only they use (syn, quote …) run in
# the compiler and are not in the binaries: scope "excluded" rather than "required".
sub is_proc_macro { my ($id) = @_; return grep { grep { $_ eq 'proc-macro' } @{ $_->{kind} } } @{ $pkg{$id}{targets} } }
my %runtime = ($root_id => 1);
@queue = ($root_id);
while (@queue) {
    my $id = shift @queue;
    for my $d (normal_deps($id)) { push @queue, $d unless is_proc_macro($d) || $runtime{$d}++ }
}

sub purl { my ($p) = @_; return "pkg:cargo/$p->{name}\@$p->{version}" }
sub spdx {
    my ($l) = @_;
    return undef unless defined $l && length $l;
    $l =~ s{\s*/\s*}{ OR }g;    # the old "MIT/Apache-2.0" form
    return $l;
}

my @components;
for my $id (sort { purl($pkg{$a}) cmp purl($pkg{$b}) } grep { $_ ne $root_id } keys %seen) {
    my $p = $pkg{$id};
    my %c = (
        type       => 'library',
        'bom-ref'  => purl($p),
        name       => $p->{name},
        version    => $p->{version},
        purl       => purl($p),
        scope      => $runtime{$id} ? 'required' : 'excluded',
    );
    $c{description} = $p->{description} if defined $p->{description};
    my $lic = spdx($p->{license});
    $c{licenses} = [ { expression => $lic } ] if defined $lic;
    if (my $sum = $checksum{"$p->{name}\@$p->{version}"}) {
        $c{hashes} = [ { alg => 'SHA-256', content => $sum } ];
        $c{externalReferences} = [ { type => 'distribution',
            url => "https://crates.io/api/v1/crates/$p->{name}/$p->{version}/download" } ];
    }
    push @components, \%c;
}

my @dependencies;
for my $id (sort { purl($pkg{$a}) cmp purl($pkg{$b}) } keys %seen) {
    push @dependencies, { ref => purl($pkg{$id}), dependsOn => [ sort map { purl($pkg{$_}) } normal_deps($id) ] };
}

my $epoch = $ENV{SOURCE_DATE_EPOCH};
$epoch = `git -C '$root' log -1 --format=%ct 2>/dev/null` unless defined $epoch && length $epoch;
chomp $epoch;
$epoch = 0 unless $epoch =~ /^\d+$/;
my $me = $pkg{$root_id};
my $bom = {
    bomFormat   => 'CycloneDX',
    specVersion => '1.5',
    version     => 1,
    metadata    => {
        timestamp => strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $epoch),
        tools     => { components => [ { type => 'application', name => 'onshi scripts/sbom.pl (cargo metadata)' } ] },
        component => {
            type       => 'library',
            'bom-ref'  => purl($me),
            name       => $me->{name},
            version    => $me->{version},
            purl       => purl($me),
            description => $me->{description},
            licenses   => [ { expression => spdx($me->{license}) } ],
        },
        properties => [
            { name => 'cdx:rust:target', value => $target },
            { name => 'cdx:rust:features', value => $features },
        ],
    },
    components   => \@components,
    dependencies => \@dependencies,
};
my $enc = JSON::PP->new->utf8->canonical->pretty;
my $body = $enc->encode($bom);
# A stable serial number: a UUID made from the content (version nibble 5, RFC 4122 variant).
my $h = sha256_hex($body);
substr($h, 12, 1) = '5';
substr($h, 16, 1) = sprintf('%x', 8 | (hex(substr($h, 16, 1)) & 3));
$bom->{serialNumber} = 'urn:uuid:' . join('-', substr($h, 0, 8), substr($h, 8, 4), substr($h, 12, 4), substr($h, 16, 4), substr($h, 20, 12));
print $enc->encode($bom);
