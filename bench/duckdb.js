// SPDX-License-Identifier: Apache-2.0
// For comparison only (bench/calc.sh): the bare subsistence formula, one
// line per due case, in DuckDB single-threaded. Needs @duckdb/node-api
// reachable from NODE_PATH; calc.sh skips it otherwise. Not a dependency.
//   node duckdb.js ROSTER OUT
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
	const [roster, out] = process.argv.slice(2);
	const db = await DuckDBInstance.create(':memory:', { threads: '1' });
	const c = await db.connect();
	const q = (s) => s.replace(/'/g, "''");
	await c.run(`COPY (SELECT case_id, program, region, name, id_number, account,
		CASE WHEN program = 'subsistence'
		     THEN CAST(round((CASE area WHEN 'urban' THEN 720 ELSE 440.34 END) * members - income, 2) AS DECIMAL(18,2))
		     ELSE CAST(round(1.3 * 720 * members, 2) AS DECIMAL(18,2)) END AS amount
		FROM read_csv('${q(roster)}', header = true, all_varchar = false,
			types = {'income': 'DECIMAL(18,2)', 'members': 'INTEGER'})
		WHERE coalesce(status, '') = '')
		TO '${q(out)}' (HEADER, DELIMITER ',')`);
})().catch((e) => { console.error(e.message); process.exit(2); });
