# SPDX-License-Identifier: Apache-2.0
# SPEC 3.3 and 5.4: a temporary grant is checked against the temporary-cap
# that applies to its region and area. A cap given as a percentage of the
# subsistence base, where that region and area have no base in the grant's
# month, cannot be computed: the grant is rejected (missing-standard), never
# paid without its cap. Grants where no cap applies, or where it can be
# computed, are paid as approved (or over-cap); the rest of SPEC 5 on the
# same small files: floor, rounding, percentages, arrears, order.
. "$SRC/tests/e2e/lib.sh"
cat >standards.csv <<'CSV'
region,program,area,item,amount,from,to
220421,subsistence,urban,base,720.00,2026-01,
220421,subsistence,rural,base,440.34,2026-01,
220421,subsistence,urban,floor,60.00,2025-01,
220000,subsistence,*,supplement:severe-disability,20%,2025-01,
220000,extreme-poverty,*,base,130%,2025-01,
220000,extreme-poverty,*,care:full,492.00,2025-01,
220000,*,*,temporary-cap,1000%,2025-01,
220421,*,rural,rounding,yuan-half-up,2025-01,
CSV
cat >grants.csv <<'CSV'
grant_id,month,name,id_number,region,locality,area,members,bank,account,amount,reason
G1,2026-11,王一,220421198001016014,230000,X村,urban,1,ICBC,6217000000000006019,100,no cap here
G2,2026-11,王二,220421198001016022,220500,X村,urban,1,ICBC,6217000000000006027,100,cap without a base
G3,2026-11,王三,220421198001016030,220421,X村,urban,1,ICBC,6217000000000006035,7200.00,at the cap
G4,2026-11,王四,220421198001016049,220421,X村,rural,1,ICBC,6217000000000006043,4403.41,over the cap
CSV
cat >roster.csv <<'CSV'
case_id,program,area,region,locality,name,id_number,members,income,categories,care_level,support_mode,bank,account,account_name,start,end,status,paid_through
A1,subsistence,urban,220421,X社区,张三,220421198001010018,3,2000,,,,ICBC,6217000000000000012,,2026-01,,,
A2,subsistence,rural,220421,Y村,李四,220421198001010026,2,100.5,severe-disability,,,ICBC,6217000000000000020,,2026-01,,,
A4,extreme-poverty,urban,220421,X社区,赵六,220421198001010042,2,,,full,centralized,ICBC,6217000000000000046,某福利院,2026-01,,,2026-09
CSV
expect_exit 1 payroll-calc -q --standards standards.csv --period 2026-11 --grants grants.csv \
	-o ledger.csv --rejects rejects.csv roster.csv
cat >want-rejects.csv <<'CSV'
source,line,case_id,code,message
grants.csv,3,G2,missing-standard,no subsistence base for region 220500 (urban) in 2026-11
grants.csv,5,G4,over-cap,amount 4403.41 is above the cap (440.34*1000%=4403.40)*1
CSV
same_file want-rejects.csv rejects.csv
grep_file 'grants.csv:3: missing-standard: no subsistence base for region 220500 (urban) in 2026-11' err
cat >want.csv <<'CSV'
period,case_id,program,item,month,region,area,locality,name,id_number,bank,account,account_name,members,support_mode,care_level,amount,basis
2026-11,A1,subsistence,allowance,2026-11,220421,urban,X社区,张三,220421198001010018,ICBC,6217000000000000012,张三,3,,,180.00,"max(720.00*3-2000.00,60.00*3)=180.00"
2026-11,A2,subsistence,allowance,2026-11,220421,rural,Y村,李四,220421198001010026,ICBC,6217000000000000020,李四,2,,,780.00,440.34*2-100.50=780.18 round(yuan-half-up)=780.00
2026-11,A2,subsistence,supplement,2026-11,220421,rural,Y村,李四,220421198001010026,ICBC,6217000000000000020,李四,2,,,88.00,(440.34*20%=88.07)(severe-disability)=88.07 round(yuan-half-up)=88.00
2026-11,A4,extreme-poverty,basic-living,2026-10,220421,urban,X社区,赵六,220421198001010042,ICBC,6217000000000000046,某福利院,2,centralized,full,1872.00,(720.00*130%=936.00)*2=1872.00
2026-11,A4,extreme-poverty,care,2026-10,220421,urban,X社区,赵六,220421198001010042,ICBC,6217000000000000046,某福利院,2,centralized,full,984.00,492.00*2=984.00
2026-11,A4,extreme-poverty,basic-living,2026-11,220421,urban,X社区,赵六,220421198001010042,ICBC,6217000000000000046,某福利院,2,centralized,full,1872.00,(720.00*130%=936.00)*2=1872.00
2026-11,A4,extreme-poverty,care,2026-11,220421,urban,X社区,赵六,220421198001010042,ICBC,6217000000000000046,某福利院,2,centralized,full,984.00,492.00*2=984.00
2026-11,G1,temporary,temporary,2026-11,230000,urban,X村,王一,220421198001016014,ICBC,6217000000000006019,王一,1,,,100.00,100.00
2026-11,G3,temporary,temporary,2026-11,220421,urban,X村,王三,220421198001016030,ICBC,6217000000000006035,王三,1,,,7200.00,7200.00
CSV
same_file want.csv ledger.csv

# check finds it too, with or without a period
expect_exit 1 payroll-check --standards standards.csv --grants grants.csv roster.csv
grep_file 'grants.csv:3: missing-standard:' err
expect_exit 1 payroll-check --standards standards.csv --grants grants.csv --period 2026-11 roster.csv
grep_file 'grants.csv:3: missing-standard:' err
# the same for a one-off subsidy given as a percentage: an extreme-poverty
# row whose region has its own base in money but no subsistence base has
# nothing to take the percentage of, and is rejected rather than paid
# without its subsidy; where the subsistence base exists it is paid
cat >std2.csv <<'CSV'
region,program,area,item,amount,from,to
220421,subsistence,urban,base,720.00,2026-01,
220000,extreme-poverty,*,base,1000.00,2025-01,
220000,extreme-poverty,*,care:full,492.00,2025-01,
*,*,*,subsidy:price,10%,2026-11,2026-11
CSV
cat >roster2.csv <<'CSV'
case_id,program,area,region,locality,name,id_number,members,income,categories,care_level,support_mode,bank,account,account_name,start,end,status,paid_through
E1,extreme-poverty,urban,220500,X社区,赵六,220421198001010042,1,,,full,dispersed,ICBC,6217000000000000046,,2026-01,,,
E2,extreme-poverty,urban,220421,X社区,钱七,220421198001010050,1,,,full,dispersed,ICBC,6217000000000000053,,2026-01,,,
CSV
expect_exit 1 payroll-calc -q --standards std2.csv --period 2026-11 -o ledger2.csv \
	--rejects rejects2.csv roster2.csv
cat >want-rejects2.csv <<'CSV'
source,line,case_id,code,message
roster2.csv,2,E1,missing-standard,no subsistence base for region 220500 (urban) in 2026-11
CSV
same_file want-rejects2.csv rejects2.csv
cat >want2.csv <<'CSV'
period,case_id,program,item,month,region,area,locality,name,id_number,bank,account,account_name,members,support_mode,care_level,amount,basis
2026-11,E2,extreme-poverty,basic-living,2026-11,220421,urban,X社区,钱七,220421198001010050,ICBC,6217000000000000053,钱七,1,dispersed,full,1000.00,1000.00*1=1000.00
2026-11,E2,extreme-poverty,care,2026-11,220421,urban,X社区,钱七,220421198001010050,ICBC,6217000000000000053,钱七,1,dispersed,full,492.00,492.00*1=492.00
2026-11,E2,extreme-poverty,subsidy:price,2026-11,220421,urban,X社区,钱七,220421198001010050,ICBC,6217000000000000053,钱七,1,dispersed,full,72.00,(720.00*10%=72.00)*1=72.00
CSV
same_file want2.csv ledger2.csv
# SPEC 5 and 5.5: a household whose entitlement ended before the period is
# not due (not an error, exit 0), but when it was paid only partway, the
# months of its entitlement still owed are named in the rejects line, so
# that they are not dropped without a word
cat >roster3.csv <<'CSV'
case_id,program,area,region,locality,name,id_number,members,income,categories,care_level,support_mode,bank,account,account_name,start,end,status,paid_through
N1,subsistence,urban,220421,X社区,张三,220421198001010018,3,2000,,,,ICBC,6217000000000000012,,2026-01,2026-10,,2026-08
N2,subsistence,urban,220421,X社区,李四,220421198001010026,3,2000,,,,ICBC,6217000000000000020,,2026-01,2026-10,,2026-10
N3,subsistence,urban,220421,X社区,王五,220421198001010034,3,2000,,,,ICBC,6217000000000000038,,2026-01,2026-10,,
CSV
expect_exit 0 payroll-calc -q --standards standards.csv --period 2026-11 -o ledger3.csv \
	--rejects rejects3.csv roster3.csv
cat >want-rejects3.csv <<'CSV'
source,line,case_id,code,message
roster3.csv,2,N1,not-due,entitlement ended 2026-10; 2026-09 to 2026-10 are owed but not paid by this period: pay them by hand
roster3.csv,3,N2,not-due,entitlement ended 2026-10
roster3.csv,4,N3,not-due,entitlement ended 2026-10
CSV
same_file want-rejects3.csv rejects3.csv
done_ok
