#!/usr/bin/perl
# Checks that every function of include/onshi.h states ownership in the fixed phrases:
#   out-parameters      -> "Out-parameters are written only on success."
#   returns a new handle -> "The caller owns the returned handle and must free it with onshi_x_free."
#   _free / optional err -> "NULL is accepted."
# Usage: perl bindings/check-doc-phrases.pl include/onshi.h   (exit 1 on a missing phrase)
use strict;
use warnings;
local $/;
my $h = <>;
my ($n, $bad) = (0, 0);
while ($h =~ m{/\*\*((?:(?!\*/).)*)\*/\s*([^;/]*?\b(onshi_\w+)\(([^;]*?)\);)}sg) {
    my ($doc, $name, $params) = ($1, $3, $4);
    $n++;
    my @missing;
    push @missing, 'Out-parameters are written only on success'
        if ($params =~ /\*\s*out\w*\b/ || $params =~ /\*\*/) && $doc !~ /Out-parameters are written only on success/;
    push @missing, 'The caller owns the returned handle and must free it with'
        if ($params =~ /\*\*out/ || $name =~ /_new$/) && $doc !~ /The caller owns the returned handle and must free it with onshi_\w+_free/;
    push @missing, 'NULL is accepted'
        if ($name =~ /_free$/ || $params =~ /(?<!const struct )(?<!const )(?:struct )?onshi_error \*err/) && $doc !~ /NULL is accepted/;
    for (@missing) { print "$name: missing \"$_\"\n"; $bad++; }
}
print "$n functions, $bad missing phrases\n";
exit($bad ? 1 : 0);
