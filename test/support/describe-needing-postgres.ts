/**
 * A describe block that needs something of PostgreSQL that may be missing on a developer's machine (a
 * server named by DATABASE_URL, or the server binaries): skipped with a notice when `available` is
 * false, unless REQUIRE_POSTGRES=1 (CI's PostgreSQL pass sets it), when it fails instead.
 */
export function describeNeedingPostgres(name: string, available: boolean, missing: string, body: () => void): void {
  if (available) {
    describe(name, body);
  } else if (process.env.REQUIRE_POSTGRES === '1') {
    describe(name, () => {
      it('has what it needs of PostgreSQL', () => {
        throw new Error(`REQUIRE_POSTGRES=1 is set but ${missing}`);
      });
    });
  } else {
    process.stderr.write(`skipped (${missing}; set REQUIRE_POSTGRES=1 to fail instead): ${name}\n`);
    describe.skip(name, body);
  }
}
