#!/usr/bin/perl
# The Z39.50 half of Bibliohub's responder: Net::Z3950::SimpleServer (Index Data's YAZ front
# end, as Koha's Z39.50 server uses) speaks the protocol; every search and record comes from
# the Python worker (bibliohub/interop/z3950/worker.py) over the Unix socket named in
# BIBLIOHUB_Z3950_SOCKET, one JSON line a request. Started by `bibliohub z3950`; the
# arguments are the YAZ front end's (listener address, -l log file, -T ...).
use strict;
use warnings;

use IO::Socket::UNIX;
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use Net::Z3950::SimpleServer;

my $SOCKET = $ENV{BIBLIOHUB_Z3950_SOCKET} or die "BIBLIOHUB_Z3950_SOCKET is not set\n";
my $json = JSON::PP->new->utf8->canonical;

sub ask {
    my ($session, $request) = @_;
    my $worker = $session->{worker};
    unless ($worker) {
        $worker = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $SOCKET);
        return { error => 2, info => "search service unavailable" } unless $worker;
        $session->{worker} = $worker;
    }
    print {$worker} $json->encode($request), "\n";
    my $line = <$worker>;
    unless (defined $line) {
        delete $session->{worker};
        return { error => 2, info => "search service unavailable" };
    }
    return $json->decode($line);
}

sub diagnose {
    my ($args, $answer) = @_;
    return 0 unless exists $answer->{error};
    $args->{ERR_CODE} = $answer->{error};
    my $info = defined $answer->{info} ? $answer->{info} : "";
    utf8::encode($info);
    $args->{ERR_STR} = $info;
    return 1;
}

sub init_handler {
    my $args = shift;
    $args->{IMP_ID} = "81";
    $args->{IMP_NAME} = "Bibliohub";
    $args->{IMP_VER} = "1.0";
    $args->{HANDLE} = {};
}

sub search_handler {
    my $args = shift;
    my $session = $args->{HANDLE} ||= {};
    # The query arrives as the client's bytes: UTF-8 from every client we know (the terms of
    # a client that sends Latin-1 are taken as Latin-1).
    my $query = $args->{QUERY};
    utf8::decode($query);
    my $answer = ask($session, {
        op => "search", set => $args->{SETNAME}, query => $query,
        databases => $args->{DATABASES},
    });
    return if diagnose($args, $answer);
    $args->{HITS} = $answer->{hits};
}

sub fetch_handler {
    my $args = shift;
    my $session = $args->{HANDLE} ||= {};
    my $answer = ask($session, {
        op => "fetch", set => $args->{SETNAME}, offset => $args->{OFFSET} + 0,
        syntax => $args->{REQ_FORM}, element => (defined $args->{COMP} ? $args->{COMP} : ""),
    });
    if (diagnose($args, $answer)) {
        # A record that cannot be given is a surrogate diagnostic; a set that does not exist
        # fails the whole present.
        $args->{SUR_FLAG} = $answer->{error} == 30 ? 0 : 1;
        return;
    }
    $args->{RECORD} = decode_base64($answer->{record});
    $args->{REP_FORM} = $answer->{syntax};
    $args->{LAST} = $answer->{last} ? 1 : 0;
    $args->{BASENAME} = "bibliohub";
}

sub scan_handler {
    my $args = shift;
    my $session = $args->{HANDLE} ||= {};
    my $rpn = $args->{RPN};
    my $term = defined $rpn ? $rpn->{term} : $args->{TERM};
    $term = "" unless defined $term;
    utf8::decode($term);
    my @attributes = defined $rpn
        ? map { [ (defined $_->{attributeSet} ? $_->{attributeSet} : ""), $_->{attributeType},
                  $_->{attributeValue} ] } @{ $rpn->{attributes} }
        : ();
    my $answer = ask($session, {
        op => "scan", attributes => \@attributes, term => $term,
        number => $args->{NUMBER} + 0, position => $args->{POS} + 0, step => $args->{STEP} + 0,
    });
    if (diagnose($args, $answer)) {
        $args->{STATUS} = Net::Z3950::SimpleServer::ScanSuccess;
        $args->{NUMBER} = 0;
        return;
    }
    my @entries;
    for my $entry (@{ $answer->{terms} }) {
        my $value = $entry->{term};
        utf8::encode($value);
        push @entries, { TERM => $value, OCCURRENCE => $entry->{occurrences} };
    }
    $args->{ENTRIES} = \@entries;
    $args->{NUMBER} = scalar @entries;
    $args->{STATUS} = $answer->{partial}
        ? Net::Z3950::SimpleServer::ScanPartial : Net::Z3950::SimpleServer::ScanSuccess;
}

sub sort_handler {
    my $args = shift;
    my $session = $args->{HANDLE} ||= {};
    my @keys;
    for my $key (@{ $args->{SEQUENCE} || [] }) {
        my %wanted = (relation => $key->{RELATION} + 0);
        if ($key->{SORT_ATTR}) {
            for my $attribute (@{ $key->{SORT_ATTR} }) {
                $wanted{use} = $attribute->{ATTR_VALUE} + 0 if $attribute->{ATTR_TYPE} == 1;
            }
        } elsif (defined $key->{SORTFIELD}) {
            $wanted{field} = $key->{SORTFIELD};
        }
        push @keys, \%wanted;
    }
    my $answer = ask($session, {
        op => "sort", input => $args->{INPUT}, output => $args->{OUTPUT}, keys => \@keys,
    });
    if (diagnose($args, $answer)) {
        $args->{STATUS} = 2;  # failure
        return;
    }
    $args->{STATUS} = 0;
}

sub delete_handler {
    my $args = shift;
    my $session = $args->{HANDLE} ||= {};
    ask($session, { op => "delete", set => $args->{SETNAME} }) if defined $args->{SETNAME};
    $args->{STATUS} = 0;
}

sub close_handler {
    my $args = shift;
    my $session = $args->{HANDLE};
    close $session->{worker} if $session && $session->{worker};
}

my $server = Net::Z3950::SimpleServer->new(
    INIT   => \&init_handler,
    SEARCH => \&search_handler,
    FETCH  => \&fetch_handler,
    SCAN   => \&scan_handler,
    SORT   => \&sort_handler,
    DELETE => \&delete_handler,
    CLOSE  => \&close_handler,
);
$server->launch_server("bibliohub-z3950", @ARGV);
