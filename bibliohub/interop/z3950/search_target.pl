#!/usr/bin/perl
# Search another library's Z39.50 server with Index Data's ZOOM (Debian's
# libnet-z3950-zoom-perl, over YAZ) for copy cataloguing. Reads one JSON object on standard
# input:
#   {"host": "…", "port": 210, "database": "…", "syntax": "usmarc" | "xml",
#    "query": "<PQF>", "count": 10, "timeout": 10}
# and writes one on standard output:
#   {"hits": N, "records": ["<base64 of the record as sent>", …]}
#   or {"error": <ZOOM or Bib-1 code>, "message": "…", "info": "…"}
use strict;
use warnings;

use JSON::PP;
use MIME::Base64 qw(encode_base64);
use ZOOM;

my $json = JSON::PP->new->utf8->canonical;
my $request = $json->decode(do { local $/; <STDIN> });

my $answer = eval {
    my $options = ZOOM::Options->new();
    $options->option(timeout => $request->{timeout} || 10);
    $options->option(databaseName => $request->{database}) if length($request->{database} // "");
    $options->option(preferredRecordSyntax => $request->{syntax} || "usmarc");
    my $connection = ZOOM::Connection->create($options);
    $connection->connect($request->{host}, $request->{port});
    my $results = $connection->search_pqf($request->{query});
    my $hits = $results->size();
    my $count = $request->{count} || 10;
    $count = $hits if $hits < $count;
    my @records;
    for my $i (0 .. $count - 1) {
        my $record = $results->record($i);
        # A surrogate diagnostic (a record the server cannot give) leaves a gap.
        if (!defined $record || $record->error()) {
            push @records, undef;
            next;
        }
        my $raw = $record->raw();
        push @records, defined $raw ? encode_base64($raw, "") : undef;
    }
    $connection->destroy();
    { hits => $hits + 0, records => \@records };
};
if (my $error = $@) {
    if (ref $error && $error->isa("ZOOM::Exception")) {
        $answer = { error => $error->code() + 0, message => $error->message() . "", info => ($error->addinfo() // "") . "" };
    } else {
        $answer = { error => -1, message => "$error", info => "" };
    }
}
print $json->encode($answer), "\n";
