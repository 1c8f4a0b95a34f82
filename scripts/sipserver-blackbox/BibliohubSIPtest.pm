# Loaded before each of Evergreen's SIPServer black-box tests (t/*.t) by
# scripts/sipserver-blackbox.sh: points their configuration (t/SIPtest.pm, "Configure
# certain information about the SIP server and the ILS data") at our SIP2 server and at the
# data set scripts/sipserver-blackbox/dataset.py loads.
package BibliohubSIPtest;

use strict;
use warnings;
use utf8;

# Sip.pm logs every message to syslog; there is none where the tests run.
use Sys::Syslog ();
BEGIN {
    no warnings 'redefine';
    *Sys::Syslog::syslog = sub { return 1 };
    *Sys::Syslog::openlog = sub { return 1 };
}

use SIPtest;

$SIPtest::server = $ENV{SIPTEST_SERVER} or die "SIPTEST_SERVER (host:port) is not set\n";

# Our data as our server says it; everything else in SIPtest.pm matches the data set as it is.
# The personal name: family name, comma, given names (theirs: given names first).
$SIPtest::user_fullname = 'Fiander, David J\.';
# Their file holds this title as a Latin-1 byte, which does not decode as UTF-8.
$SIPtest::item_diacritic_title = 'Harry Potter y el cáliz de fuego';

1;
