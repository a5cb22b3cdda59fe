<?php
// test_php_odbc.php — PHP's odbc extension (Debian: php-cli, php-odbc) against
// the emulator DSN: odbc_connect, odbc_tables, odbc_columns, odbc_gettypeinfo,
// odbc_primarykeys, odbc_exec, odbc_prepare + odbc_execute with parameters,
// odbc_fetch_array / odbc_fetch_row + odbc_result, long text with
// odbc_longreadlen, Unicode, and errors through odbc_error / odbc_errormsg.
// Work item values are checked against the emulator's REST API.
// A missing extension is a failure: tests/deps.sh installs it.

$passed = 0;
$failed = 0;
function check($ok, $what)
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        echo "FAIL: $what\n";
    }
    return $ok;
}
function done()
{
    global $passed, $failed;
    echo "test_php_odbc: $passed passed, $failed failed\n";
    exit($failed || !$passed ? 1 : 0);
}
if (!check(function_exists('odbc_connect'), "the odbc extension is loaded (php-odbc)")) {
    done();
}

$DSN = getenv('AZDO_TEST_DSN') ?: 'AzDOEmu';
$PAT = getenv('AZDO_TEST_PAT');
$EMU_URL = getenv('AZDO_EMU_URL');
$ROOT = 'http://127.0.0.1:' . getenv('AZDO_EMU_PORT');
$PROJECT = 'Fabrikam-Fiber-Git';

function http($method, $url, $body, $headers)
{
    $ctx = stream_context_create(['http' => [
        'method' => $method, 'ignore_errors' => true, 'timeout' => 120,
        'header' => implode("\r\n", $headers),
        'content' => $body === null ? '' : json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES),
    ]]);
    $text = file_get_contents($url, false, $ctx);
    $status = 0;
    if (isset($http_response_header[0]) && preg_match('#^HTTP/\S+ (\d+)#', $http_response_header[0], $m)) {
        $status = (int)$m[1];
    }
    return [$status, $text === '' || $text === false ? null : json_decode($text, true)];
}
function control($path, $body = null)
{
    global $ROOT;
    return http($body === null ? 'GET' : 'POST', $ROOT . $path, $body, ['Content-Type: application/json'])[1];
}
// the Azure DevOps REST API proper, authenticated with the run's PAT
function rest($method, $path, $body = null)
{
    global $EMU_URL, $PAT;
    return http($method, $EMU_URL . $path, $body, ['Content-Type: application/json-patch+json',
                                                  'Authorization: Basic ' . base64_encode(":$PAT")]);
}
// characters of UTF-8 text (without mbstring, which php-cli does not bring)
function u_chars($s)
{
    return preg_split('//u', $s, -1, PREG_SPLIT_NO_EMPTY);
}
// n characters mixing ASCII, Latin-1, CJK, Arabic and astral-plane emoji (azdo_test.py long_text)
function long_text($n)
{
    $unit = "Zo\u{eb} \u{5c71}\u{7530}\u{592a}\u{90ce} \u{645}\u{631}\u{62d}\u{628}\u{627} \u{1F600}\u{1F680} \u{2013} abc ";
    $end = '<END>';
    $body = u_chars(str_repeat($unit, intdiv($n, count(u_chars($unit))) + 1));
    return implode('', array_slice($body, 0, $n - strlen($end))) . $end;
}
function rows($res)
{
    $out = [];
    while ($res && ($r = odbc_fetch_array($res)) !== false) {
        $out[] = $r;
    }
    return $out;
}

control('/_emulator/reset', ['items' => 200, 'seed' => 13]);
$items = array_values(array_filter(control('/_emulator/dump')['items'],
    function ($i) use ($PROJECT) { return ($i['fields']['System.TeamProject'] ?? '') === $PROJECT; }));
usort($items, function ($a, $b) { return $a['id'] <=> $b['id']; });

// ---- connect: a bad PAT is 28000 and the secret is not in the message ---------------------------
$bad = @odbc_connect($DSN, '', 'not-the-pat');
check($bad === false, "a wrong PAT does not connect");
check(odbc_error() === '28000', "a wrong PAT: odbc_error() is 28000 (" . odbc_error() . ")");
check(odbc_errormsg() !== '' && strpos(odbc_errormsg(), 'not-the-pat') === false
      && strpos(odbc_errormsg(), $PAT) === false, "the message names no secret: " . odbc_errormsg());
$c = odbc_connect($DSN, '', '');
if (!check($c !== false, "odbc_connect($DSN): " . odbc_errormsg())) {
    done();
}

// ---- odbc_tables / odbc_columns / odbc_gettypeinfo / keys ----------------------------------------
$tables = rows(odbc_tables($c));
check(count($tables) > 0 && array_keys($tables[0]) === ['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS'],
      "odbc_tables: the ODBC 3 columns");
$names = array_column($tables, 'TABLE_TYPE', 'TABLE_NAME');
check(($names['WorkItems'] ?? '') === 'TABLE', "odbc_tables lists WorkItems");
check(!array_filter($tables, function ($t) { return $t['TABLE_CAT'] !== null || $t['TABLE_SCHEM'] !== null; }),
      "odbc_tables: TABLE_CAT and TABLE_SCHEM are NULL (no catalogs or schemas)");
$one = rows(odbc_tables($c, null, null, 'WorkItems', 'TABLE'));
check(count($one) === 1 && $one[0]['TABLE_NAME'] === 'WorkItems', "odbc_tables(WorkItems, TABLE)");
$cols = rows(odbc_columns($c, null, null, 'WorkItems'));
check(count($cols) > 20 && count($cols[0]) === 18, "odbc_columns: rows of 18 columns");
check(array_column($cols, 'ORDINAL_POSITION') == range(1, count($cols)), "odbc_columns: ORDINAL_POSITION 1..n");
$bycol = array_column($cols, null, 'COLUMN_NAME');
check(isset($bycol['Title']) && (int)$bycol['Title']['DATA_TYPE'] === -9, "Title is SQL_WVARCHAR (-9)");
check(isset($bycol['Description']) && (int)$bycol['Description']['DATA_TYPE'] === -10, "Description is SQL_WLONGVARCHAR (-10)");
$r = odbc_exec($c, "SELECT * FROM WorkItems WHERE 1 = 0");
$fields = [];
for ($i = 1; $r && $i <= odbc_num_fields($r); $i++) {
    $fields[] = odbc_field_name($r, $i);
}
check($fields === array_column($cols, 'COLUMN_NAME'), "SELECT * has the columns odbc_columns lists, in order");
$assigned = rows(odbc_columns($c, null, null, 'WorkItems', 'AssignedTo%'));
check(array_column($assigned, 'COLUMN_NAME') === array_values(array_filter(array_column($cols, 'COLUMN_NAME'),
      function ($n) { return strpos($n, 'AssignedTo') === 0; })), "odbc_columns(ColumnName 'AssignedTo%')");
$types = rows(odbc_gettypeinfo($c));
$tset = array_flip(array_map('intval', array_column($types, 'DATA_TYPE')));
check(!array_diff(array_map('intval', array_column($cols, 'DATA_TYPE')), array_keys($tset)),
      "odbc_gettypeinfo has a row for every column type");
$pk = odbc_primarykeys($c, null, null, 'WorkItems');
check($pk !== false && odbc_num_fields($pk) === 6, "odbc_primarykeys: 6 columns");
foreach (rows($pk) as $k) {
    check(isset($bycol[$k['COLUMN_NAME']]), "odbc_primarykeys names a real column: " . $k['COLUMN_NAME']);
}
$fk = odbc_foreignkeys($c, null, null, 'WorkItems', null, null, null);
check($fk !== false && odbc_num_fields($fk) === 14, "odbc_foreignkeys: 14 columns");
$st = odbc_statistics($c, null, null, 'WorkItems', SQL_INDEX_ALL, SQL_QUICK);
check($st !== false && odbc_num_fields($st) === 13, "odbc_statistics: 13 columns");

// ---- odbc_exec, odbc_prepare + odbc_execute, odbc_fetch_array --------------------------------------
$got = rows(odbc_exec($c, "SELECT Id, Title, State FROM WorkItems WHERE State = 'Active' ORDER BY Id"));
$want = [];
foreach ($items as $i) {
    if (($i['fields']['System.State'] ?? '') === 'Active') {
        $want[] = ['Id' => (string)$i['id'], 'Title' => $i['fields']['System.Title'], 'State' => 'Active'];
    }
}
check(count($want) > 3 && $got === $want, "odbc_exec: the active items, as the emulator has them");
$p = odbc_prepare($c, "SELECT Id, Title FROM WorkItems WHERE Priority = ? AND State <> ? ORDER BY Id");
check(odbc_execute($p, [2, 'Closed']), "odbc_execute with an int and a string parameter: " . odbc_errormsg($c));
$ids = array_map('intval', array_column(rows($p), 'Id'));
$wantids = [];
foreach ($items as $i) {
    if (($i['fields']['Microsoft.VSTS.Common.Priority'] ?? 0) === 2 && ($i['fields']['System.State'] ?? '') !== 'Closed') {
        $wantids[] = $i['id'];
    }
}
check(count($wantids) > 2 && $ids === $wantids, "parameters pushed down into WIQL");
$uni = ["\u{1F600}\u{1F680}", "\u{5c71}\u{7530} \u{4e2d}\u{6587}", "\u{645}\u{631}\u{62d}\u{628}\u{627}", "Zo\u{eb} \u{20ac}"];
$p = odbc_prepare($c, "SELECT ? AS v, length(?) AS n, ? * 2 AS d, ? AS nul");
foreach ($uni as $u) {
    check(odbc_execute($p, [$u, $u, 1.25, null]), "odbc_execute(Unicode)");
    $row = odbc_fetch_array($p);
    check($row !== false && $row['v'] === $u && (int)$row['n'] === count(u_chars($u))
          && (float)$row['d'] === 2.5 && $row['nul'] === null, "Unicode parameter round trip: " . json_encode($row));
}
$row = odbc_fetch_array(odbc_exec($c, "SELECT '" . $uni[0] . "' AS v"));
check($row && $row['v'] === $uni[0], "an emoji literal in SQL text");
// a local TEMP table: odbc_fetch_row + odbc_result
check(odbc_exec($c, "CREATE TEMP TABLE zphp(k INTEGER, v TEXT, f DOUBLE)") !== false, "CREATE TEMP TABLE");
$ins = odbc_prepare($c, "INSERT INTO zphp VALUES (?, ?, ?)");
foreach ($uni as $k => $u) {
    odbc_execute($ins, [$k, $u, $k / 4]);
}
$r = odbc_exec($c, "SELECT k, v, f FROM zphp ORDER BY k");
$back = [];
while (odbc_fetch_row($r)) {
    $back[] = [(int)odbc_result($r, 1), odbc_result($r, 'v'), (float)odbc_result($r, 3)];
}
check($back === array_map(function ($k, $u) { return [$k, $u, (float)($k / 4)]; }, array_keys($uni), $uni),
      "odbc_fetch_row / odbc_result over a local table");

// A title at Azure DevOps' limit of 255 characters (UTF-16 code units: 60 emoji are 120)
// is 645 bytes of UTF-8.  PHP binds Title as SQL_C_CHAR with a buffer of
// max(SQL_DESC_DISPLAY_SIZE, SQL_DESC_OCTET_LENGTH) + 1 bytes and, when the value was
// truncated, reads as many bytes as the indicator says (php-src#22667): the sizes the
// driver describes must hold the UTF-8 form.
$wide = str_repeat("\u{1F600}", 60) . str_repeat("\u{5c71}", 135);
$cw = odbc_connect("DSN=$DSN;DefaultWorkItemType=Task", '', '');
$p = odbc_prepare($cw, "INSERT INTO WorkItems (Title) VALUES (?)");
check(odbc_execute($p, [$wide]), "INSERT a 255-character title: " . odbc_errormsg($cw));
$wid = (int)odbc_result(odbc_exec($cw, "SELECT last_insert_rowid()"), 1);
[$status, $wi] = rest('GET', "/$PROJECT/_apis/wit/workitems/$wid?api-version=7.1");
check($status === 200 && ($wi['fields']['System.Title'] ?? null) === $wide, "REST sees the 255-character title whole");
$row = odbc_fetch_array(odbc_exec($c, "SELECT Title FROM WorkItems WHERE Id = $wid"));
check($row && $row['Title'] === $wide, "PHP reads the 255-character title back whole ("
      . ($row ? strlen($row['Title']) : 'no row') . " of " . strlen($wide) . " bytes)");

// ---- a 10,000-character Description: odbc_longreadlen --------------------------------------------
$long = long_text(10000);
[$status, $wi] = rest('POST', "/$PROJECT/_apis/wit/workitems/\$Task?api-version=7.1",
                      [['op' => 'add', 'path' => '/fields/System.Title', 'value' => 'long (REST, PHP)'],
                       ['op' => 'add', 'path' => '/fields/System.Description', 'value' => $long]]);
check($status === 200 && isset($wi['id']), "REST create with a long Description ($status)");
$rid = (int)($wi['id'] ?? 0);
$r = odbc_exec($c, "SELECT Description, length(Description) AS n FROM WorkItems WHERE Id = $rid");
odbc_longreadlen($r, 100000);
$row = odbc_fetch_array($r);
check($row && (int)$row['n'] === 10000 && $row['Description'] === $long,
      "odbc_longreadlen(100000): the Description arrives whole (" . ($row ? strlen($row['Description']) : 'no row') . " bytes)");
$r = odbc_exec($c, "SELECT Description FROM WorkItems WHERE Id = $rid");
odbc_longreadlen($r, 1000);
$row = odbc_fetch_array($r);
check($row && $row['Description'] === substr($long, 0, 1000), "odbc_longreadlen(1000): the first 1000 bytes ("
      . ($row ? strlen($row['Description']) : 'no row') . ")");
$p = odbc_prepare($cw, "INSERT INTO WorkItems (Title, Description) VALUES (?, ?)");
$rev = implode('', array_reverse(u_chars($long)));
check(odbc_execute($p, ['long (SQL, PHP)', $rev]), "INSERT a 10,000-character Description: " . odbc_errormsg($cw));
$sid = (int)odbc_result(odbc_exec($cw, "SELECT last_insert_rowid()"), 1);
[$status, $wi] = rest('GET', "/$PROJECT/_apis/wit/workitems/$sid?api-version=7.1");
check(($wi['fields']['System.Description'] ?? null) === $rev, "REST sees the written Description whole");
$r = odbc_exec($c, "SELECT Description FROM WorkItems WHERE Id = $sid");
odbc_longreadlen($r, 100000);
$row = odbc_fetch_array($r);
check($row && $row['Description'] === $rev, "and PHP reads it back whole");
odbc_close($cw);

// ---- errors: odbc_error / odbc_errormsg ---------------------------------------------------------
// PHP's odbc extension allocates its environment as an ODBC 2 application, so the
// driver manager hands it the ODBC 2 forms of the driver's SQLSTATEs (42S22 -> S0022 …).
$states = ['42S22' => 'S0022', '42S02' => 'S0002', '42000' => '37000'];
function state_is($got, $odbc3)
{
    global $states;
    return $got === $odbc3 || $got === $states[$odbc3];
}
check(@odbc_exec($c, "SELECT Nope FROM WorkItems") === false, "an unknown column fails");
check(state_is(odbc_error($c), '42S22') && strpos(odbc_errormsg($c), 'Nope') !== false,
      "unknown column: 42S22 naming it (" . odbc_error($c) . " " . odbc_errormsg($c) . ")");
check(@odbc_exec($c, "SELECT * FROM NoSuchTable") === false && state_is(odbc_error($c), '42S02'),
      "unknown table: 42S02 (" . odbc_error($c) . ")");
check(@odbc_exec($c, "SELEC 1") === false && state_is(odbc_error($c), '42000'),
      "syntax error: 42000 (" . odbc_error($c) . ")");
check(strpos(odbc_errormsg($c), '[azdo-odbc]') !== false, "the message carries the driver's prefix: " . odbc_errormsg($c));
odbc_close($c);
done();
