#!/bin/sh
# test_dbd_odbc.sh — Perl DBD::ODBC (Debian's libdbd-odbc-perl, an ANSI build:
# text is UTF-8 bytes) against the emulator DSN: get_info, table_info,
# column_info, type_info_all, primary_key_info, foreign_key_info,
# statistics_info, execute_array (with and without odbc_array_operations),
# Unicode, and a 10,000-character Description read with LongReadLen
# (whole, truncated with LongTruncOk, and an error without it).  Work item
# values are checked against the emulator's REST API (HTTP::Tiny, JSON::PP:
# core Perl).  DBD::ODBC missing is a failure: tests/deps.sh installs it.
exec perl - <<'PERL'
use strict;
use warnings;
use DBI qw(:sql_types);
use Encode qw(encode_utf8 decode_utf8);
use HTTP::Tiny;
use JSON::PP;
use MIME::Base64;

my ($passed, $failed) = (0, 0);
sub check {
    my ($ok, $what) = @_;
    if ($ok) { $passed++ } else { $failed++; print "FAIL: $what\n" }
    return $ok;
}
sub done {
    print "test_dbd_odbc: $passed passed, $failed failed\n";
    exit($failed || !$passed ? 1 : 0);
}
sub show { join('|', map { defined $_ ? $_ : 'undef' } @_) }

my $project = 'Fabrikam-Fiber-Git';
my $http = HTTP::Tiny->new(timeout => 120);
my $auth = 'Basic ' . encode_base64(":$ENV{AZDO_TEST_PAT}", '');
my $root = "http://127.0.0.1:$ENV{AZDO_EMU_PORT}";
sub control {
    my ($path, $body) = @_;
    my $r = $http->request($body ? 'POST' : 'GET', "$root$path",
                           {headers => {'Content-Type' => 'application/json'},
                            ($body ? (content => encode_json($body)) : ())});
    die "control $path: $r->{status}" unless $r->{success};
    return length $r->{content} ? decode_json($r->{content}) : undef;
}
sub rest {    # the Azure DevOps REST API proper, with the run's PAT
    my ($method, $path, $body) = @_;
    my $r = $http->request($method, "$ENV{AZDO_EMU_URL}$path",
                           {headers => {'Authorization' => $auth, 'Content-Type' => 'application/json-patch+json'},
                            ($body ? (content => encode_json($body)) : ())});
    return ($r->{status}, length $r->{content} ? eval { decode_json($r->{content}) } : undef);
}
# n characters mixing ASCII, Latin-1, CJK, Arabic and astral-plane emoji (tests/clients/azdo_test.py long_text)
sub long_text {
    my ($n) = @_;
    my $unit = "Zo\x{eb} \x{5c71}\x{7530}\x{592a}\x{90ce} \x{645}\x{631}\x{62d}\x{628}\x{627} "
             . "\x{1F600}\x{1F680} \x{2013} abc ";
    my $end = '<END>';
    my $body = $unit x (int($n / length $unit) + 1);
    return substr($body, 0, $n - length $end) . $end;
}

control('/_emulator/reset', {items => 200, seed => 9});
my @items = grep { ($_->{fields}{'System.TeamProject'} // '') eq $project } @{control('/_emulator/dump')->{items}};

my $dbh = DBI->connect("dbi:ODBC:DSN=$ENV{AZDO_TEST_DSN}", '', '',
                       {RaiseError => 0, PrintError => 0, AutoCommit => 1, LongReadLen => 100_000});
check($dbh, "connect: " . ($DBI::errstr // '')) or done();

# ---- get_info: what DBD::ODBC and DBI layers read -------------------------------------------
my $dbms = $dbh->get_info(17);    # SQL_DBMS_NAME
check(defined $dbms && length $dbms && $dbms !~ /sqlite/i, "get_info(DBMS_NAME) '" . ($dbms // 'undef') . "'");
check(($dbh->get_info(77) // '') =~ /^0[3-9]\.\d\d$/, "get_info(DRIVER_ODBC_VER) '" . ($dbh->get_info(77) // 'undef') . "'");
check(($dbh->get_info(7) // '') =~ /^\d\d\.\d\d\.\d{4}$/, "get_info(DRIVER_VER)");
check(defined $dbh->get_info(30) && $dbh->get_info(30) >= 0, "get_info(MAX_COLUMN_NAME_LEN)");
my $quote = $dbh->get_info(29);   # SQL_IDENTIFIER_QUOTE_CHAR
check(defined $quote && $dbh->quote_identifier('Work Items') eq "${quote}Work Items${quote}",
      "quote_identifier uses IDENTIFIER_QUOTE_CHAR");

# ---- table_info --------------------------------------------------------------------------------
my $sth = $dbh->table_info(undef, undef, undef, undef);
check($sth, "table_info: " . ($dbh->errstr // ''));
my @tcols = @{$sth->{NAME}};
check("@tcols" eq "TABLE_CAT TABLE_SCHEM TABLE_NAME TABLE_TYPE REMARKS", "table_info columns: @tcols");
my $tables = $sth->fetchall_arrayref({});
my %tables = map { $_->{TABLE_NAME} => $_->{TABLE_TYPE} } @$tables;
check(($tables{WorkItems} // '') eq 'TABLE', "table_info lists WorkItems as a TABLE");
check(!grep({ defined $_->{TABLE_CAT} || defined $_->{TABLE_SCHEM} } @$tables),
      "table_info: no catalogs or schemas, so NULL (undef), never ''");
my @views = map { $_->[2] } @{$dbh->table_info(undef, undef, '%', 'VIEW')->fetchall_arrayref};
check("@views" eq join(' ', sort grep { $tables{$_} eq 'VIEW' } keys %tables), "table_info(type VIEW): @views");
my @pat = map { $_->[2] } @{$dbh->table_info(undef, undef, 'WorkItem%', 'TABLE')->fetchall_arrayref};
check("@pat" eq join(' ', sort grep { /^WorkItem/ && $tables{$_} eq 'TABLE' } keys %tables), "table_info('WorkItem%'): @pat");
my @t = $dbh->tables(undef, undef, 'WorkItems', 'TABLE');
check(@t == 1 && $t[0] =~ /WorkItems/, "tables(): @t");

# ---- column_info, agreeing with a prepared statement's description --------------------------------
$sth = $dbh->column_info(undef, undef, 'WorkItems', undef);
check($sth, "column_info: " . ($dbh->errstr // ''));
check(@{$sth->{NAME}} == 18 && $sth->{NAME}[3] eq 'COLUMN_NAME' && $sth->{NAME}[16] eq 'ORDINAL_POSITION',
      "column_info: the 18 ODBC 3 columns");
my $cols = $sth->fetchall_arrayref({});
my $sel = $dbh->prepare("SELECT * FROM WorkItems WHERE 1 = 0");
check($sel && $sel->execute, "SELECT * WHERE 1 = 0");
check(join(',', map { $_->{COLUMN_NAME} } @$cols) eq join(',', @{$sel->{NAME}}),
      "column_info lists the columns of SELECT * in order");
check(join(',', map { $_->{DATA_TYPE} } @$cols) eq join(',', @{$sel->{TYPE}}),
      "column_info DATA_TYPE agrees with the statement's TYPE");
$sel->finish;
my ($title) = grep { $_->{COLUMN_NAME} eq 'Title' } @$cols;
check($title && $title->{DATA_TYPE} == SQL_WVARCHAR && $title->{COLUMN_SIZE} > 0, "Title is SQL_WVARCHAR");
my ($descr) = grep { $_->{COLUMN_NAME} eq 'Description' } @$cols;
check($descr && $descr->{DATA_TYPE} == SQL_WLONGVARCHAR, "Description is SQL_WLONGVARCHAR");
my $one = $dbh->column_info(undef, undef, 'WorkItems', 'AssignedTo%')->fetchall_arrayref({});
check(join(',', map { $_->{COLUMN_NAME} } @$one) eq join(',', grep { /^AssignedTo/ } map { $_->{COLUMN_NAME} } @$cols),
      "column_info('AssignedTo%')");

# ---- type_info_all / type_info ----------------------------------------------------------------------
my $tia = $dbh->type_info_all;
check(ref $tia eq 'ARRAY' && ref $tia->[0] eq 'HASH', "type_info_all: an index hash, then rows");
my %ix = %{$tia->[0] || {}};
check(!grep({ !exists $ix{$_} } qw(TYPE_NAME DATA_TYPE COLUMN_SIZE LITERAL_PREFIX LITERAL_SUFFIX CREATE_PARAMS
                                    NULLABLE CASE_SENSITIVE SEARCHABLE SQL_DATA_TYPE)),
      "type_info_all names the ODBC 3 columns: " . join(',', sort keys %ix));
my %types = map { $_->[$ix{DATA_TYPE}] => 1 } @{$tia}[1 .. $#$tia];
my @missing = grep { !$types{$_} } map { $_->{DATA_TYPE} } @$cols;
check(!@missing, "every column type has a type_info row (missing: @missing)");
check($types{SQL_WVARCHAR()} && $types{SQL_WLONGVARCHAR()}, "wide types are listed");
my @ti = $dbh->type_info(SQL_INTEGER);
check(@ti && !grep({ $_->{DATA_TYPE} != SQL_INTEGER } @ti), "type_info(SQL_INTEGER)");

# ---- keys and statistics: correctly shaped, coherent -----------------------------------------------
my %colset = map { $_->{COLUMN_NAME} => 1 } @$cols;
$sth = $dbh->primary_key_info(undef, undef, 'WorkItems');
check($sth && @{$sth->{NAME}} == 6 && $sth->{NAME}[4] eq 'KEY_SEQ', "primary_key_info: the 6 ODBC 3 columns");
my $pk = $sth ? $sth->fetchall_arrayref({}) : [];
check(!grep({ !$colset{$_->{COLUMN_NAME}} } @$pk), "primary_key_info names real columns");
my @pkc = $dbh->primary_key(undef, undef, 'WorkItems');
check(join(',', @pkc) eq join(',', map { $_->{COLUMN_NAME} } @$pk), "primary_key() agrees: @pkc");
for my $args ([undef, undef, 'WorkItems', undef, undef, undef], [undef, undef, undef, undef, undef, 'WorkItems']) {
    my $fk = $dbh->foreign_key_info(@$args);
    my $which = defined $args->[2] ? 'referenced' : 'referencing';
    check($fk && @{$fk->{NAME}} == 14, "foreign_key_info ($which): 14 columns (" . ($dbh->errstr // '') . ")");
    my $rows = $fk ? $fk->fetchall_arrayref({}) : [];
    check(!grep({ !exists $tables{$_->{PKTABLE_NAME} // ''} || !exists $tables{$_->{FKTABLE_NAME} // ''} } @$rows),
          "foreign_key_info ($which) rows name real tables");
}
$sth = $dbh->statistics_info(undef, undef, 'WorkItems', 0, 1);
check($sth && @{$sth->{NAME}} == 13, "statistics_info: 13 columns (" . ($dbh->errstr // '') . ")");
my $st = $sth ? $sth->fetchall_arrayref({}) : [];
check(!grep({ $_->{TYPE} != 0 && !$colset{$_->{COLUMN_NAME} // ''} } @$st), "statistics_info names real columns");

# ---- parameters and results: numbers, NULL, Unicode (UTF-8 bytes in an ANSI build) -------------------
my @uni = ("\x{1F600}\x{1F680}", "\x{5c71}\x{7530} \x{4e2d}\x{6587}", "\x{645}\x{631}\x{62d}\x{628}\x{627}", "Zo\x{eb} \x{20ac}");
$sth = $dbh->prepare("SELECT ?, length(?), ? + 1, ? * 2, ?");
for my $u (@uni) {
    my $b = encode_utf8($u);
    $sth->execute($b, $b, 41, 1.25, undef);
    my @r = $sth->fetchrow_array;
    check(decode_utf8($r[0] // '') eq $u && ($r[1] // -1) == length($u) && $r[2] == 42 && $r[3] == 2.5 && !defined $r[4],
          "parameters round trip: " . show(@r));
}
my ($lit) = $dbh->selectrow_array("SELECT '" . encode_utf8($uni[0]) . "'");
check(decode_utf8($lit // '') eq $uni[0], "an emoji literal in SQL text");
my @ids = map { $_->{id} } sort { $a->{id} <=> $b->{id} } grep { ($_->{fields}{'Microsoft.VSTS.Common.Priority'} // 0) == 1 } @items;
my $got = $dbh->selectcol_arrayref("SELECT Id FROM WorkItems WHERE Priority = ? ORDER BY Id", undef, 1);
check(@ids > 2 && join(',', @{$got || []}) eq join(',', @ids), "a bound parameter in a pushed-down WHERE");

# A title at Azure DevOps' limit of 255 characters (UTF-16 code units: 60 emoji are 120) is
# 645 bytes of UTF-8.  DBD::ODBC binds it as SQL_C_CHAR with max(DISPLAY_SIZE, COLUMN_LENGTH)
# + 1 bytes and a truncated non-long column is an error: the described sizes must hold UTF-8.
my $wide = ("\x{1F600}" x 60) . ("\x{5c71}" x 135);
check($dbh->do("INSERT INTO WorkItems (WorkItemType, Title) VALUES ('Task', ?)", undef, encode_utf8($wide)),
      "INSERT a 255-character title: " . ($dbh->errstr // ''));
my ($wid) = $dbh->selectrow_array("SELECT last_insert_rowid()");
my ($st_, $wi_) = rest('GET', "/$project/_apis/wit/workitems/" . ($wid // 0) . "?api-version=7.1");
check(($wi_->{fields}{'System.Title'} // '') eq $wide, "REST sees the 255-character title whole");
my ($wt) = $dbh->selectrow_array("SELECT Title FROM WorkItems WHERE Id = ?", undef, $wid);
check(defined $wt && decode_utf8($wt) eq $wide,
      "DBD::ODBC reads the 255-character title back whole (" . ($dbh->state // '') . " " . ($dbh->errstr // '') . ")");

# ---- execute_array into a TEMP table ----------------------------------------------------------------
$dbh->do("CREATE TEMP TABLE zdbd(id INTEGER NOT NULL, title VARCHAR(100), pts DOUBLE, note TEXT)") or die $dbh->errstr;
for my $native (1, 0) {
    my $how = $native ? 'odbc_array_operations' : 'row by row';
    $dbh->{odbc_array_operations} = $native;
    $dbh->do("DELETE FROM zdbd");
    my $ins = $dbh->prepare("INSERT INTO zdbd (id, title, pts, note) VALUES (?, ?, ?, ?)");
    my @id = (1 .. 120);
    my @ti = map { $_ % 9 ? encode_utf8("t$_ $uni[$_ % 4]") : undef } @id;
    my @pt = map { $_ / 8 } @id;
    my @no = map { $_ % 10 == 3 ? encode_utf8(long_text(3000 + $_)) : $_ % 10 == 4 ? '' : "n$_" } @id;
    my @status;
    my $n = $ins->execute_array({ArrayTupleStatus => \@status}, \@id, \@ti, \@pt, \@no);
    check(defined $n && $n == 120, "$how: execute_array returns 120 (" . ($n // 'undef') . ": " . ($ins->errstr // '') . ")");
    check(!grep({ ref $_ } @status), "$how: no row failed");
    my $back = $dbh->selectall_arrayref("SELECT id, title, pts, note FROM zdbd ORDER BY id");
    my @bad = grep { my $r = $back->[$_ - 1];
                     !$r || $r->[0] != $_ || ($r->[1] // "\0") ne ($ti[$_ - 1] // "\0") || $r->[2] != $pt[$_ - 1]
                     || ($r->[3] // "\0") ne $no[$_ - 1] } @id;
    check(@$back == 120 && !@bad, "$how: every row holds what was sent (bad rows: @bad[0 .. ($#bad < 4 ? $#bad : 4)])");
}

# ---- a 10,000-character Description: LongReadLen, LongTruncOk --------------------------------------
my $long = long_text(10000);
my ($status, $wi) = rest('POST', "/$project/_apis/wit/workitems/\$Task?api-version=7.1",
                         [{op => 'add', path => '/fields/System.Title', value => 'long (REST, Perl)'},
                          {op => 'add', path => '/fields/System.Description', value => $long}]);
check($status == 200 && $wi->{id}, "REST create ($status)");
my $rid = $wi->{id} // 0;
$dbh->{LongReadLen} = 100_000;
$dbh->{LongTruncOk} = 0;
my ($d, $len) = $dbh->selectrow_array("SELECT Description, length(Description) FROM WorkItems WHERE Id = ?", undef, $rid);
check(defined $d && decode_utf8($d) eq $long && $len == 10000,
      "LongReadLen 100000: the Description arrives whole (" . (defined $d ? length(decode_utf8($d)) : 'undef') . " characters)");
$dbh->{LongReadLen} = 1000;
$sth = $dbh->prepare("SELECT Description FROM WorkItems WHERE Id = ?");
$sth->execute($rid);
my @row = $sth->fetchrow_array;
check(!@row && ($sth->err // 0) && ($sth->state // '') eq '01004',
      "LongReadLen 1000 without LongTruncOk: fetch fails with 01004 (" . ($sth->state // '') . " " . ($sth->errstr // '') . ")");
$sth->finish;
$dbh->{LongTruncOk} = 1;
($d) = $dbh->selectrow_array("SELECT Description FROM WorkItems WHERE Id = ?", undef, $rid);
# (DBD::ODBC 1.61 binds LongReadLen + 1 bytes and, when truncated, hands back the whole
# buffer: the driver's NUL terminator comes along as byte 1001)
check(defined $d && substr($d, 0, 1000) eq substr(encode_utf8($long), 0, 1000)
      && (length($d) == 1000 || (length($d) == 1001 && substr($d, 1000) eq "\0")),
      "LongTruncOk: the first 1000 bytes, NUL-terminated (" . (defined $d ? length $d : 'undef') . ")");
$dbh->{LongTruncOk} = 0;
$dbh->{LongReadLen} = 100_000;
# and written through DBD::ODBC, read back through REST
my $dbh_w = DBI->connect("dbi:ODBC:DSN=$ENV{AZDO_TEST_DSN};DefaultWorkItemType=Task", '', '',
                         {RaiseError => 0, PrintError => 0, AutoCommit => 1});
my $rev = reverse $long;
my $ins = $dbh_w->prepare("INSERT INTO WorkItems (Title, Description) VALUES (?, ?)");
$ins->bind_param(1, encode_utf8("long (SQL, Perl) \x{1F600}"));
$ins->bind_param(2, encode_utf8($rev), SQL_WLONGVARCHAR);
check($ins->execute, "INSERT a long Description: " . ($ins->errstr // ''));
my ($sid) = $dbh_w->selectrow_array("SELECT last_insert_rowid()");
($status, $wi) = rest('GET', "/$project/_apis/wit/workitems/" . ($sid // 0) . "?api-version=7.1");
check($status == 200 && ($wi->{fields}{'System.Description'} // '') eq $rev, "REST sees the Description whole");
check(($wi->{fields}{'System.Title'} // '') eq "long (SQL, Perl) \x{1F600}", "and the emoji title");
($d) = $dbh->selectrow_array("SELECT Description FROM WorkItems WHERE Id = ?", undef, $sid);
check(defined $d && decode_utf8($d) eq $rev, "and it reads back whole");
$dbh_w->disconnect;

# ---- errors ----------------------------------------------------------------------------------------
check(!$dbh->do("SELECT Nope FROM WorkItems") && ($dbh->state // '') eq '42S22', "unknown column: 42S22 (" . ($dbh->state // '') . ")");
$dbh->disconnect;
done();
PERL
