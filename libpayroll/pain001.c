/* SPDX-License-Identifier: Apache-2.0 */
#include "pain001.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "buf.h"
#include "ident.h"
#include "money.h"
#include "source.h"
#include "intl.h"
#include "banned.h"

#define PAYER_FILE_MAX (64 * 1024)

struct payroll_payer {
	char path[PAYROLL_PATH_MAX];
	char name[280];
	char account[40];
	char bic[16];
	char cnaps[16];
	char bank_name[280];
	char date[16];		/* YYYY-MM-DD */
	char created[32];	/* YYYY-MM-DDThh:mm:ss */
	char msgid[40];
	char pmtid[40];
	char prefix[16];	/* message-id-prefix */
	char day[4];		/* execution-day, 1..31 */
	unsigned seen;
	long line[11];		/* where each key was set, by payer_keys index */
};

/* payer_keys indexes the checks refer to */
enum {
	PK_NAME, PK_ACCOUNT, PK_BIC, PK_CNAPS, PK_BANK_NAME, PK_DATE, PK_CREATED,
	PK_MSGID, PK_PMTID, PK_PREFIX, PK_DAY
};
#define PREFIX_MAX 13	/* PREFIX-YYYYMM-HHHHHHHHHHHH-1 fits Max35Text */
#define ID_HASH_HEX 12

static const struct {
	const char *key;
	size_t off, size;
} payer_keys[] = {
	{ "name", offsetof(struct payroll_payer, name), sizeof ((struct payroll_payer *)0)->name },
	{ "account", offsetof(struct payroll_payer, account), sizeof ((struct payroll_payer *)0)->account },
	{ "bic", offsetof(struct payroll_payer, bic), sizeof ((struct payroll_payer *)0)->bic },
	{ "cnaps", offsetof(struct payroll_payer, cnaps), sizeof ((struct payroll_payer *)0)->cnaps },
	{ "bank-name", offsetof(struct payroll_payer, bank_name), sizeof ((struct payroll_payer *)0)->bank_name },
	{ "execution-date", offsetof(struct payroll_payer, date), sizeof ((struct payroll_payer *)0)->date },
	{ "created", offsetof(struct payroll_payer, created), sizeof ((struct payroll_payer *)0)->created },
	{ "message-id", offsetof(struct payroll_payer, msgid), sizeof ((struct payroll_payer *)0)->msgid },
	{ "payment-id", offsetof(struct payroll_payer, pmtid), sizeof ((struct payroll_payer *)0)->pmtid },
	{ "message-id-prefix", offsetof(struct payroll_payer, prefix), sizeof ((struct payroll_payer *)0)->prefix },
	{ "execution-day", offsetof(struct payroll_payer, day), sizeof ((struct payroll_payer *)0)->day },
};

static int
all_in(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

#define DIGITS "0123456789"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

static int
valid_date(const char *d)
{
	int y, m, day;

	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + d[3] - '0';
	m = (d[5] - '0') * 10 + d[6] - '0';
	day = (d[8] - '0') * 10 + d[9] - '0';
	return y >= 1900 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static int
valid_datetime(const char *s)
{
	char d[11];

	if (strlen(s) != 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return 0;
	memcpy(d, s, 10);
	d[10] = '\0';
	for (int i = 11; i < 19; i++)
		if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return valid_date(d) && (s[11] - '0') * 10 + s[12] - '0' < 24 &&
	       (s[14] - '0') * 10 + s[15] - '0' < 60 && (s[17] - '0') * 10 + s[18] - '0' < 60;
}

static int
payer_error(struct payroll_error *err, const char *path, long line, const char *code,
	    const char *msg)
{
	return payroll_error_set(err, PAYROLL_EFORMAT, path, line, 0, code, "%s", payroll_tr(msg));
}

/* Two digits at most, checked by the caller. */
static int
atoi_day(const char *v)
{
	return v[1] ? (v[0] - '0') * 10 + v[1] - '0' : v[0] - '0';
}

static int
parse_payer_line(struct payroll_payer *p, const char *path, long ln, char *s,
		 struct payroll_error *err)
{
	char *eq = strchr(s, '='), *k, *v, *e;
	size_t i;

	if (!eq)
		return payer_error(err, path, ln, "bad-line", "expected KEY = VALUE");
	for (e = eq; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	k = s;
	for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	for (i = 0; i < sizeof payer_keys / sizeof *payer_keys; i++)
		if (!strcmp(k, payer_keys[i].key))
			break;
	if (i == sizeof payer_keys / sizeof *payer_keys)
		return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "unknown-key",
					 "'%s' is not a payer key", k);
	if (p->seen & (1u << i))
		return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "duplicate-key",
					 "'%s' is set twice", k);
	p->seen |= 1u << i;
	p->line[i] = ln;
	if (!*v || strlen(v) >= payer_keys[i].size)
		return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "bad-value",
					 "%s: 1 to %zu bytes", k, payer_keys[i].size - 1);
	memcpy((char *)p + payer_keys[i].off, v, strlen(v) + 1);
	switch (i) {
	case PK_ACCOUNT:
		if (!all_in(v, DIGITS UPPER) || strlen(v) > 34)
			return payer_error(err, path, ln, "bad-value",
					   "account: 1 to 34 digits or capital letters");
		break;
	case PK_BIC:
		if ((strlen(v) != 8 && strlen(v) != 11) || !all_in(v, DIGITS UPPER) ||
		    !all_in((char[]){ v[4], v[5], 0 }, UPPER))
			return payer_error(err, path, ln, "bad-value", "bic: 8 or 11 characters, e.g. ICBKCNBJXXX");
		break;
	case PK_CNAPS:
		if (strlen(v) != 12 || !all_in(v, DIGITS))
			return payer_error(err, path, ln, "bad-value", "cnaps: 12 digits");
		break;
	case PK_DATE:
		if (!valid_date(v))
			return payer_error(err, path, ln, "bad-value", "execution-date: YYYY-MM-DD");
		break;
	case PK_CREATED:
		if (!valid_datetime(v))
			return payer_error(err, path, ln, "bad-value", "created: YYYY-MM-DDThh:mm:ss");
		break;
	case PK_PREFIX:
		if (strlen(v) > PREFIX_MAX || !all_in(v, DIGITS UPPER "abcdefghijklmnopqrstuvwxyz-"))
			return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "bad-value",
						 "message-id-prefix: 1 to %d letters, digits or -",
						 PREFIX_MAX);
		break;
	case PK_DAY:
		if (!all_in(v, DIGITS) || strlen(v) > 2 || atoi_day(v) < 1 || atoi_day(v) > 31)
			return payer_error(err, path, ln, "bad-value",
					   "execution-day: a day of the month, 1 to 31");
		break;
	case PK_MSGID:
	case PK_PMTID:
		if (strlen(v) > 35 || !all_in(v, DIGITS UPPER "abcdefghijklmnopqrstuvwxyz-_./"))
			return payroll_error_set(err, PAYROLL_EFORMAT, path, ln, 0, "bad-value",
						 "%s: 1 to 35 letters, digits or -_./", k);
		break;
	}
	return 0;
}

static int
parse_payer(struct payroll_payer *p, const char *path, char *buf, size_t n,
	    struct payroll_error *err)
{
	char *s, *nl, *end;
	long ln = 0;
	int rc;

	if (memchr(buf, '\0', n))
		return payer_error(err, path, 0, "bad-payer", "a payer file is text");
	for (s = buf, end = buf + n; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		*nl = '\0';
		ln++;
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if ((rc = parse_payer_line(p, path, ln, s, err)) != 0)
			return rc;
	}
	if (!p->name[0] || !p->account[0])
		return payer_error(err, path, 0, "missing-key", "a payer file needs name and account");
	if (!p->bic[0] && !p->cnaps[0])
		return payer_error(err, path, 0, "missing-key", "a payer file needs bic or cnaps");
	if (p->prefix[0] && (p->msgid[0] || p->pmtid[0]))
		return payer_error(err, path, p->line[p->msgid[0] ? PK_MSGID : PK_PMTID],
				   "conflicting-keys",
				   "message-id or payment-id fixes what message-id-prefix derives: keep "
				   "message-id-prefix only");
	if (p->day[0] && p->date[0])
		return payer_error(err, path, p->line[PK_DATE], "conflicting-keys",
				   "execution-date fixes what execution-day derives: keep execution-day only");
	if (!p->prefix[0] && !p->msgid[0])
		return payer_error(err, path, 0, "missing-key",
				   "a payer file needs message-id-prefix (MsgId and PmtInfId are "
				   "derived from it, the period and the transfers)");
	if (!p->day[0] && !p->date[0])
		return payer_error(err, path, 0, "missing-key",
				   "a payer file needs execution-day (the day of the period's month "
				   "the bank pays)");
	if (!p->created[0] && p->date[0])
		snprintf(p->created, sizeof p->created, "%sT00:00:00", p->date);
	if (p->msgid[0] && !p->pmtid[0])
		memcpy(p->pmtid, p->msgid, sizeof p->pmtid);
	return 0;
}

static int
load_payer(struct payroll_payer *p, const char *path, struct payroll_error *err)
{
	struct payroll_buf text = { 0 };
	int rc;

	memset(p, 0, sizeof *p);
	snprintf(p->path, sizeof p->path, "%s", path);
	rc = payroll_source_slurp(path, PAYER_FILE_MAX, 0, &text, NULL, err);
	if (rc == 0)
		rc = parse_payer(p, path, text.p ? text.p : (char *)"", text.len, err);
	payroll_buf_release(&text);
	return rc;
}


int
payroll_payer_load(struct payroll_payer **p, const char *path, struct payroll_error *err)
{
	int rc;

	*p = malloc(sizeof **p);
	if (!*p)
		return payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	rc = load_payer(*p, path, err);
	if (rc) {
		free(*p);
		*p = NULL;
	}
	return rc;
}

void
payroll_payer_debtor(const struct payroll_payer *p, struct payroll_payer_debtor *d)
{
	d->name = p->name;
	d->account = p->account;
	d->bic = p->bic;
	d->cnaps = p->cnaps;
	d->bank_name = p->bank_name;
}

void
payroll_payer_free(struct payroll_payer *p)
{
	free(p);
}

int
payroll_payer_check_derived(const char *path, struct payroll_error *err)
{
	struct payroll_payer *p = malloc(sizeof *p);
	int rc;

	if (!p)
		return payroll_error_errno(err, PAYROLL_ENOMEM, path, "out of memory");
	rc = load_payer(p, path, err);
	if (rc == 0 && p->msgid[0] && p->seen & (1u << PK_MSGID))
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, p->line[PK_MSGID], 0, "fixed-id",
				       "message-id = %s fixes the bank message id, and a bank refuses "
				       "an id used before: write message-id-prefix = PREFIX instead "
				       "(1 to %d letters, digits or -; MsgId is PREFIX-YYYYMM-HASH, "
				       "from the period and the transfers)", p->msgid, PREFIX_MAX);
	else if (rc == 0 && p->seen & (1u << PK_PMTID))
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, p->line[PK_PMTID], 0, "fixed-id",
				       "payment-id = %s fixes PmtInfId: remove it (PmtInfId is derived "
				       "with MsgId from message-id-prefix)", p->pmtid);
	else if (rc == 0 && p->date[0])
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, p->line[PK_DATE], 0, "fixed-date",
				       "execution-date = %s is stale next month: write execution-day "
				       "= %d instead (that day of each period's month)",
				       p->date, atoi_day(p->date + 8));
	else if (rc == 0 && p->seen & (1u << PK_CREATED))
		rc = payroll_error_set(err, PAYROLL_EFORMAT, path, p->line[PK_CREATED], 0,
				       "fixed-date",
				       "created = %s is stale next month: remove it (CreDtTm is the "
				       "period's first day at 00:00:00)", p->created);
	free(p);
	return rc;
}

/*
 * The message's text, written by hand: byte for byte what libxml2's
 * xmlTextWriter wrote with an indent of two spaces (the goldens and the
 * files already sent to banks). Each element starts a line at two spaces a
 * level; an element with text keeps it on that line; text is escaped as
 * xmlEncodeSpecialChars does: & < > " and CR. The caller reserves room
 * (xml_room) before writing, so no single append checks or grows.
 */
#define XML_DEPTH 8

struct xml {
	char *o;			/* the next byte goes here */
	int depth;
	const char *open[XML_DEPTH];	/* the names of the open elements */
};

static const char xml_indent[2 * XML_DEPTH] = "                ";

/* The most bytes a text of n bytes takes escaped ("&quot;" for '"'). */
#define XML_ESCAPED(n) (6 * (n))

static char *
put(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

#define PUTS(o, lit) put((o), (lit), sizeof (lit) - 1)

static char *
put_escaped(char *o, const char *s)
{
	for (;; s++) {
		switch (*s) {
		case '\0':
			return o;
		case '&':
			o = PUTS(o, "&amp;");
			break;
		case '<':
			o = PUTS(o, "&lt;");
			break;
		case '>':
			o = PUTS(o, "&gt;");
			break;
		case '"':
			o = PUTS(o, "&quot;");
			break;
		case '\r':
			o = PUTS(o, "&#13;");
			break;
		default:
			*o++ = *s;
		}
	}
}

/* A line's indent and "<name attrs>"; attrs is "" or " key=\"value\"". */
static void
xml_tag(struct xml *x, const char *name, size_t len, const char *attrs)
{
	x->o = put(x->o, xml_indent, 2 * (size_t)x->depth);
	*x->o++ = '<';
	x->o = put(x->o, name, len);
	if (*attrs)
		x->o = put(x->o, attrs, strlen(attrs));
	*x->o++ = '>';
}

/* "</name>" and the line's end. */
static void
xml_close_tag(struct xml *x, const char *name, size_t len)
{
	x->o = PUTS(x->o, "</");
	x->o = put(x->o, name, len);
	x->o = PUTS(x->o, ">\n");
}

static void
xml_start(struct xml *x, const char *name, size_t len, const char *attrs)
{
	xml_tag(x, name, len, attrs);
	*x->o++ = '\n';
	x->open[x->depth++] = name;
}

static void
xml_end(struct xml *x)
{
	const char *name = x->open[--x->depth];

	x->o = put(x->o, xml_indent, 2 * (size_t)x->depth);
	xml_close_tag(x, name, strlen(name));
}

/* <name attrs>text</name> on one line. */
static void
xml_text(struct xml *x, const char *name, size_t len, const char *attrs, const char *text)
{
	xml_tag(x, name, len, attrs);
	x->o = put_escaped(x->o, text);
	xml_close_tag(x, name, len);
}

/* <outer> around one <inner>text</inner>. */
static void
xml_wrap(struct xml *x, const char *outer, size_t outer_len, const char *inner,
	 size_t inner_len, const char *text)
{
	xml_start(x, outer, outer_len, "");
	xml_text(x, inner, inner_len, "", text);
	xml_end(x);
}

/* A string literal as the name and length these take. */
#define LIT(lit) (lit), sizeof (lit) - 1
#define START(x, lit) xml_start((x), (lit), sizeof (lit) - 1, "")
#define END(x) xml_end(x)
#define EL(x, lit, text) xml_text((x), (lit), sizeof (lit) - 1, "", (text))
#define WRAP(x, outer, inner, text) \
	xml_wrap((x), (outer), sizeof (outer) - 1, (inner), sizeof (inner) - 1, (text))

/* Room for the element lines below with texts of text_bytes in all: the
 * longest run of lines written at once, the group header, is 1.3 KiB
 * without its texts. */
#define XML_LINES 4096
#define XML_ROOM(text_bytes) (XML_LINES + XML_ESCAPED(text_bytes))

/* Start writing at the end of b, with room for text_bytes of text. */
static int
xml_open(struct xml *x, struct payroll_buf *b, size_t text_bytes, int depth)
{
	if (payroll_buf_reserve(b, XML_ROOM(text_bytes)))
		return PAYROLL_ENOMEM;
	x->o = b->p + b->len;
	x->depth = depth;
	return 0;
}

static void
xml_close(struct xml *x, struct payroll_buf *b)
{
	b->len = (size_t)(x->o - b->p);
	b->p[b->len] = '\0';
}

/* <tag> (DbtrAgt, CdtrAgt) naming a bank by any of its ids. */
static void
write_agent(struct xml *x, const char *tag, size_t len, const char *bic, const char *cnaps,
	    const char *other, const char *name)
{
	xml_start(x, tag, len, "");
	START(x, "FinInstnId");
	if (bic && *bic)
		EL(x, "BICFI", bic);
	if (cnaps && *cnaps) {
		START(x, "ClrSysMmbId");
		WRAP(x, "ClrSysId", "Cd", "CNAPS");
		EL(x, "MmbId", cnaps);
		END(x);
	}
	if (name && *name)
		EL(x, "Nm", name);
	if (other && *other)
		WRAP(x, "Othr", "Id", other);
	END(x);
	END(x);
}

/* <tag> (DbtrAcct, CdtrAcct) with the account id and, if ccy, CNY. */
static void
write_account(struct xml *x, const char *tag, size_t len, const char *id, int ccy)
{
	xml_start(x, tag, len, "");
	START(x, "Id");
	WRAP(x, "Othr", "Id", id);
	END(x);
	if (ccy)
		EL(x, "Ccy", "CNY");
	END(x);
}

struct pain_ids {
	char msgid[80], pmtid[80];
	char date[16];		/* YYYY-MM-DD */
	char created[32];	/* YYYY-MM-DDThh:mm:ss */
};

/* ---- the digest of derived ids, fed while the caller spools ---- */

/* Lines are hashed 64 KiB at a time: one update for many transfers. */
#define DIGEST_CHUNK (64 * 1024)

struct payroll_pain001_digest {
	EVP_MD_CTX *ctx;
	struct payroll_buf lines;	/* not hashed yet */
	struct payroll_buf ref;
};

void
payroll_pain001_digest_free(struct payroll_pain001_digest *d)
{
	if (!d)
		return;
	EVP_MD_CTX_free(d->ctx);
	payroll_buf_release(&d->lines);
	payroll_buf_release(&d->ref);
	free(d);
}

int
payroll_pain001_digest_new(struct payroll_pain001_digest **d, const struct payroll_payer *p,
			   struct payroll_error *err)
{
	*d = NULL;
	if (!p->prefix[0])
		return 0;
	if (!(*d = calloc(1, sizeof **d)) || !((*d)->ctx = EVP_MD_CTX_new())) {
		payroll_pain001_digest_free(*d);
		*d = NULL;
		return payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	}
	if (EVP_DigestInit_ex((*d)->ctx, EVP_sha256(), NULL) != 1) {
		payroll_pain001_digest_free(*d);
		*d = NULL;
		return payroll_error_set(err, PAYROLL_EINTERNAL, NULL, 0, 0, "crypto",
					 "sha-256 failed");
	}
	return 0;
}

/* Hash the lines held so far. */
static int
digest_flush(struct payroll_pain001_digest *d, struct payroll_error *err)
{
	int ok = EVP_DigestUpdate(d->ctx, d->lines.p, d->lines.len) == 1;

	payroll_buf_reset(&d->lines);
	return ok ? 0 : payroll_error_set(err, PAYROLL_EINTERNAL, NULL, 0, 0, "crypto",
					  "sha-256 failed");
}

int
payroll_pain001_digest_add(struct payroll_pain001_digest *d, const struct payroll_transfer *t,
			   struct payroll_error *err)
{
	char money[PAYROLL_MONEY_MAX], seq[PAYROLL_INT_MAX];
	const char *f[6];
	size_t n[6], need = 6, i;
	char *o;

	if (!d)
		return 0;
	if (payroll_transfer_ref(t, &d->ref))
		return payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	f[0] = seq;
	f[1] = t->bank;
	f[2] = t->account;
	f[3] = t->account_name;
	f[4] = money;
	f[5] = d->ref.p;
	payroll_int_format(t->seq, seq);
	payroll_money_format(t->amount, money);
	for (i = 0; i < 6; i++)
		need += n[i] = strlen(f[i]);
	if (payroll_buf_reserve(&d->lines, need))
		return payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	o = d->lines.p + d->lines.len;
	for (i = 0; i < 6; i++) {
		o = put(o, f[i], n[i]);
		*o++ = i < 5 ? ',' : '\n';
	}
	d->lines.len += need;
	return d->lines.len >= DIGEST_CHUNK ? digest_flush(d, err) : 0;
}

/* The digest of every transfer added to d into md. */
static int
digest_end(struct payroll_pain001_digest *d, unsigned char md[32], struct payroll_error *err)
{
	unsigned int mdlen = 0;
	int rc;

	if (!d)
		return payroll_error_set(err, PAYROLL_EINTERNAL, NULL, 0, 0, "crypto",
					 "derived ids without the transfers' digest");
	if ((rc = digest_flush(d, err)) != 0)
		return rc;
	if (EVP_DigestFinal_ex(d->ctx, md, &mdlen) != 1 || mdlen != 32)
		return payroll_error_set(err, PAYROLL_EINTERNAL, NULL, 0, 0, "crypto",
					 "sha-256 failed");
	return 0;
}

/*
 * The message's ids and dates (payroll-bankfile(1)): derived from
 * message-id-prefix, the period and the transfers, and from
 * execution-day; or, where the payer file fixes them, as it says.
 */
static int
pain_ids(const struct payroll_payer *p, const struct payroll_pain001_source *src,
	 struct pain_ids *ids, struct payroll_error *err)
{
	const char *name = src->name;
	char compact[8];
	unsigned char md[32];
	int rc, last, day, i;

	memset(ids, 0, sizeof *ids);
	memcpy(compact, src->period, 4);
	memcpy(compact + 4, src->period + 5, 2);
	compact[6] = '\0';
	if (p->prefix[0]) {
		char hex[ID_HASH_HEX + 1];

		if ((rc = digest_end(src->digest, md, err)) != 0)
			return rc;
		for (i = 0; i < ID_HASH_HEX / 2; i++)
			snprintf(hex + 2 * i, 3, "%02X", md[i]);
		snprintf(ids->msgid, sizeof ids->msgid, "%s-%s-%s", p->prefix, compact, hex);
		snprintf(ids->pmtid, sizeof ids->pmtid, "%s-%s-%s-1", p->prefix, compact, hex);
	} else if (snprintf(ids->msgid, sizeof ids->msgid, "%s%s%s", p->msgid,
			    name ? "-" : "", name ? name : "") > 35 ||
		   snprintf(ids->pmtid, sizeof ids->pmtid, "%s%s%s", p->pmtid,
			    name ? "-" : "", name ? name : "") > 35) {
		return payroll_error_set(err, PAYROLL_EFORMAT, p->path, 0, 0, "field-overflow",
					 "message-id or payment-id with -%s is longer than 35",
					 name ? name : "");
	}
	if (p->date[0]) {
		memcpy(ids->date, p->date, sizeof p->date);
	} else {
		last = payroll_month_days(payroll_month_parse(src->period, 7));
		day = atoi_day(p->day);
		snprintf(ids->date, sizeof ids->date, "%s-%02d", src->period,
			 day < last ? day : last);
	}
	if (p->created[0])
		memcpy(ids->created, p->created, sizeof p->created);
	else
		snprintf(ids->created, sizeof ids->created, "%s-01T00:00:00", src->period);
	return 0;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Transfers are written to out 64 KiB at a time. */
#define XML_FLUSH (64 * 1024)

/* Write what b holds to out, emptying b. */
static int
flush_xml(struct payroll_buf *b, struct payroll_outfile *out, const char *path,
	  struct payroll_error *err)
{
	int rc = payroll_outfile_write(out, b->p, b->len);

	payroll_buf_reset(b);
	return rc ? payroll_error_errno(err, PAYROLL_EIO, path, "cannot write") : 0;
}

/* The document up to the first transfer: group header, debtor and agent. */
static int
write_head(const struct payroll_payer *p, const struct payroll_pain001_source *src,
	   const struct pain_ids *ids, struct payroll_buf *b)
{
	char money[PAYROLL_MONEY_MAX], count[PAYROLL_INT_MAX];
	struct xml x;

	if (xml_open(&x, b, sizeof *p + sizeof *ids, 0))
		return PAYROLL_ENOMEM;
	x.o = PUTS(x.o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	xml_start(&x, LIT("Document"), " xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"");
	START(&x, "CstmrCdtTrfInitn");
	START(&x, "GrpHdr");
	EL(&x, "MsgId", ids->msgid);
	EL(&x, "CreDtTm", ids->created);
	payroll_int_format(src->count, count);
	EL(&x, "NbOfTxs", count);
	payroll_money_format(src->total, money);
	EL(&x, "CtrlSum", money);
	WRAP(&x, "InitgPty", "Nm", p->name);
	END(&x);
	START(&x, "PmtInf");
	EL(&x, "PmtInfId", ids->pmtid);
	EL(&x, "PmtMtd", "TRF");
	EL(&x, "NbOfTxs", count);
	EL(&x, "CtrlSum", money);
	WRAP(&x, "ReqdExctnDt", "Dt", ids->date);
	WRAP(&x, "Dbtr", "Nm", p->name);
	write_account(&x, LIT("DbtrAcct"), p->account, 1);
	write_agent(&x, LIT("DbtrAgt"), p->bic, p->cnaps, NULL, p->bank_name);
	xml_close(&x, b);
	return 0;
}

/* One CdtTrfTxInf, inside Document/CstmrCdtTrfInitn/PmtInf. */
static int
write_transfer(const struct payroll_transfer *t, const char *ref, struct payroll_buf *b)
{
	char money[PAYROLL_MONEY_MAX], seq[PAYROLL_INT_MAX];
	size_t nref = strlen(ref), nbank = strlen(t->bank);
	int is_cnaps = nbank == 12 && all_in(t->bank, DIGITS);
	struct xml x;

	if (xml_open(&x, b, sizeof seq + sizeof money + 2 * nref + nbank + strlen(t->account) +
			    strlen(t->account_name), 3))
		return PAYROLL_ENOMEM;
	payroll_int_format(t->seq, seq);
	payroll_money_format(t->amount, money);
	START(&x, "CdtTrfTxInf");
	START(&x, "PmtId");
	EL(&x, "InstrId", seq);
	EL(&x, "EndToEndId", ref);
	END(&x);
	START(&x, "Amt");
	xml_text(&x, LIT("InstdAmt"), " Ccy=\"CNY\"", money);
	END(&x);
	write_agent(&x, LIT("CdtrAgt"), NULL, is_cnaps ? t->bank : NULL, is_cnaps ? NULL : t->bank,
		    NULL);
	WRAP(&x, "Cdtr", "Nm", t->account_name);
	write_account(&x, LIT("CdtrAcct"), t->account, 0);
	WRAP(&x, "RmtInf", "Ustrd", ref);
	END(&x);
	xml_close(&x, b);
	return 0;
}

static int
write_message(const struct payroll_payer *p, const struct payroll_pain001_source *src,
	      struct payroll_outfile *out, struct payroll_buf *refb,
	      struct payroll_error *err)
{
	struct payroll_buf b = { 0 };
	struct payroll_transfer t;
	struct pain_ids ids;
	long count = 0;
	int64_t total = 0;
	int rc;

	if ((rc = pain_ids(p, src, &ids, err)) != 0)
		return rc;
	if (write_head(p, src, &ids, &b))
		rc = payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
	if (rc == 0)
		rc = src->rewind(src->ctx, err);
	while (rc == 0 && (rc = src->next(src->ctx, &t, err)) == 1) {
		const char *ref;

		rc = 0;
		if (payroll_transfer_ref(&t, refb)) {
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
			break;
		}
		ref = refb->p;
		if (refb->len > 35 || utf8_chars(t.account_name) > 140) {
			rc = payroll_error_set(err, PAYROLL_EFORMAT, src->ledger, t.line, 0,
					       "field-overflow",
					       "case %s: reference '%s' over 35 or account_name over 140 "
					       "characters", t.case_id, ref);
			break;
		}
		if (write_transfer(&t, ref, &b)) {
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
			break;
		}
		if (b.len >= XML_FLUSH && (rc = flush_xml(&b, out, src->path, err)) != 0)
			break;
		count++;
		if (payroll_add(total, t.amount, &total)) {
			rc = payroll_error_set(err, PAYROLL_EOVERFLOW, src->path, 0, 0,
					       "overflow", "the total does not fit");
			break;
		}
	}
	if (rc == 0 && (count != src->count || total != src->total))
		rc = payroll_error_set(err, PAYROLL_EINTERNAL, src->path, 0, 0,
				       "control-mismatch",
				       "records written (%ld, %lld fen) disagree with the ledger "
				       "(%ld, %lld fen); nothing written", count, (long long)total,
				       src->count, (long long)src->total);
	if (rc == 0) {
		static const char tail[] = "    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n";

		if (payroll_buf_add(&b, tail, sizeof tail - 1))
			rc = payroll_error_errno(err, PAYROLL_ENOMEM, NULL, "out of memory");
		else
			rc = flush_xml(&b, out, src->path, err);
	}
	payroll_buf_release(&b);
	return rc;
}

int
payroll_pain001_write(const struct payroll_payer *p, const struct payroll_pain001_source *src,
		      struct payroll_outfile *out, struct payroll_error *err)
{
	struct payroll_buf ref;
	int rc;

	memset(&ref, 0, sizeof ref);
	rc = write_message(p, src, out, &ref, err);

	payroll_buf_release(&ref);
	return rc;
}
