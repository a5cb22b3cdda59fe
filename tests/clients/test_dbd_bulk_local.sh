#!/bin/sh
# test_dbd_bulk_local.sh — Perl DBD::ODBC execute_array against a TEMP table
# of the session: with odbc_array_operations (one SQLExecute with column-wise
# parameter arrays, statuses matched to rows by SQL_DIAG_ROW_NUMBER) and
# without (DBI executes row by row).  Skipped (77) when DBD::ODBC is not
# installed (Debian: libdbd-odbc-perl).
perl -MDBD::ODBC -e 1 2>/dev/null || {
    echo "SKIP: DBD::ODBC is not installed (libdbd-odbc-perl)"
    exit 77
}
exec perl - <<'PERL'
use strict;
use warnings;
use DBI;

my ($passed, $failed) = (0, 0);
sub check {
    my ($ok, $what) = @_;
    if ($ok) { $passed++ } else { $failed++; print "FAIL: $what\n" }
}

my $dbh = DBI->connect("dbi:ODBC:DSN=$ENV{AZDO_TEST_DSN}", "", "",
                       {RaiseError => 0, PrintError => 0, AutoCommit => 1})
    or die "connect: $DBI::errstr";
$dbh->do("CREATE TEMP TABLE zd(id INTEGER NOT NULL, pts DOUBLE CHECK (pts >= 0), note TEXT)")
    or die $dbh->errstr;

for my $native (1, 0) {
    my $how = $native ? "odbc_array_operations" : "row by row";
    $dbh->{odbc_array_operations} = $native;
    $dbh->do("DELETE FROM zd");
    my $sth = $dbh->prepare("INSERT INTO zd (id, pts, note) VALUES (?, ?, ?)");
    my @ids = (1 .. 8);
    my @pts = (1, -1, 2, 3, -2, 4, 5, 6);               # rows 2 and 5 violate the CHECK
    my @notes = ('a', 'b', '', undef, 'e', 'f' x 5000, "\x{e9}t\x{e9}", 'h');
    my @status;
    my $n = $sth->execute_array({ArrayTupleStatus => \@status}, \@ids, \@pts, \@notes);
    check(!defined $n, "$how: execute_array returns undef when a row failed");
    # (row by row, DBI itself sums up: "executing 8 generated 2 errors", state S1000)
    check(!$native || ($sth->state // '') eq '23000',
          "$how: the statement's state is 23000 (" . ($sth->state // '') . ")");
    check(@status == 8, "$how: a status for each of the 8 rows (" . scalar(@status) . ")");
    for my $i (0 .. 7) {
        my $s = $status[$i];
        if ($i == 1 || $i == 4) {
            my $row = $i + 1;
            check(ref $s eq 'ARRAY' && ($s->[2] // '') eq '23000'
                  && ($s->[1] // '') =~ /CHECK constraint failed/,
                  "$how: row $row failed with its own 23000 and message (" . (ref $s ? join('|', map { $_ // '' } @$s) : $s) . ")");
            check(!$native || ($s->[1] // '') =~ /\bRow $row: /,
                  "$how: the array's record for row $row says 'Row $row:'");
        } else {
            check(!ref $s, "$how: row " . ($i + 1) . " succeeded");
        }
    }
    my $ids = join(",", map { $_->[0] } @{$dbh->selectall_arrayref("SELECT id FROM zd ORDER BY id")});
    check($ids eq "1,3,4,6,7,8", "$how: the good rows were inserted ($ids)");
    my ($long) = $dbh->selectrow_array("SELECT length(note) FROM zd WHERE id = 6");
    check(($long // 0) == 5000, "$how: a long text arrives whole");
}

# every row fine: the count of rows
$dbh->{odbc_array_operations} = 1;
$dbh->do("DELETE FROM zd");
my $sth = $dbh->prepare("INSERT INTO zd (id, pts) VALUES (?, ?)");
my @status;
my $n = $sth->execute_array({ArrayTupleStatus => \@status}, [1 .. 50], [map { $_ * 0.5 } 1 .. 50]);
check(defined $n && $n == 50, "50 good rows: execute_array returns 50 (" . ($n // 'undef') . ")");
check(!grep({ ref $_ } @status), "50 good rows: no error status");
my ($c) = $dbh->selectrow_array("SELECT count(*) FROM zd");
check($c == 50, "50 rows in the table ($c)");

$dbh->disconnect;
print "test_dbd_bulk_local: $passed passed, $failed failed\n";
exit($failed || !$passed ? 1 : 0);
PERL
