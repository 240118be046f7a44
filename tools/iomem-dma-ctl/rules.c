// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rule grammar of iomem_dma, checked in user space so that a rules
 * file can be validated as a whole before anything is written.
 */
#include <stdlib.h>
#include <string.h>

#include "rules.h"

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("_.:/@,+-#", c));
}

/* Match "key=NAME" at *p (end at e); advance past it. */
static const char *kv(const char **p, const char *e, const char *key)
{
	size_t k = strlen(key), n = 0;
	const char *s = *p;

	if ((size_t)(e - s) <= k || memcmp(s, key, k) || s[k] != '=')
		return "expected key=NAME";
	s += k + 1;
	while (s < e && *s != ' ') {
		if (!name_char(*s))
			return "names use only letters, digits and _.:/@,+-#";
		if (++n > RULE_NAME_MAX)
			return "name longer than 63 characters";
		s++;
	}
	if (!n)
		return "empty name";
	*p = s;
	return NULL;
}

/* [s, e) starts with @w; never reads past @e (the text has no NUL). */
static int starts(const char *s, const char *e, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(e - s) >= n && !memcmp(s, w, n);
}

static int word(const char *s, const char *e, const char *w)
{
	size_t n = strlen(w);

	return starts(s, e, w) && ((size_t)(e - s) == n || s[n] == ' ');
}

const char *rule_check(const char *text, size_t len)
{
	const char *p = text, *e = text + len, *err;
	int allow;

	if (!len)
		return "empty rule";
	if (len > RULE_TEXT_MAX)
		return "rule longer than 256 bytes";
	if (memchr(text, '\0', len))
		return "NUL byte in rule";
	if (word(p, e, "allow")) {
		allow = 1;
		p += 5;
	} else if (word(p, e, "deny")) {
		allow = 0;
		p += 4;
	} else {
		return "a rule starts with \"allow\" or \"deny\"";
	}
	if (p == e || *p++ != ' ')
		return "expected one space, then provider=, client= or node=";
	if (word(p, e, "provider") || starts(p, e, "provider=")) {
		err = kv(&p, e, "provider");
		if (!err && starts(p, e, " client=")) {
			p++;
			err = kv(&p, e, "client");
		}
	} else if (starts(p, e, "client=")) {
		err = kv(&p, e, "client");
	} else if (starts(p, e, "node=")) {
		err = kv(&p, e, "node");
	} else {
		err = "expected provider=, client= or node=";
	}
	if (err)
		return err;
	/* Options in this order, each at most once: force, then iommu or bus. */
	if (p < e && *p == ' ' && word(p + 1, e, "force")) {
		if (!allow)
			return "\"force\" only goes with allow";
		p += 6;
	}
	if (p < e && *p == ' ' && (word(p + 1, e, "iommu") || word(p + 1, e, "bus"))) {
		if (!allow)
			return "\"iommu\" and \"bus\" only go with allow";
		p += word(p + 1, e, "iommu") ? 6 : 4;
	}
	return p == e ? NULL : "unexpected text after the rule";
}

int rules_file_parse(const char *buf, size_t len, const char **msg,
		     int (*add)(const char *rule, void *ctx), void *ctx,
		     int *count)
{
	const char *p, *end = buf + len, *nl;
	char **seen = NULL, **grown;
	int pass, line = 0, n = 0, i;

	*count = 0;
	for (pass = 0; pass < 2; pass++) {
		line = 0;
		for (p = buf; p < end; p = nl + 1) {
			const char *s, *e;
			char *rule;

			nl = memchr(p, '\n', end - p);
			if (!nl)
				nl = end;
			line++;
			for (s = p; s < nl && (*s == ' ' || *s == '\t'); s++)
				;
			for (e = nl; e > s && (e[-1] == ' ' || e[-1] == '\t' ||
					       e[-1] == '\r'); e--)
				;
			if (s == e || *s == '#')
				continue;
			if (pass == 0) {
				*msg = rule_check(s, e - s);
				if (*msg)
					goto fail;
				for (i = 0; i < n; i++) {
					if (strlen(seen[i]) == (size_t)(e - s) &&
					    !strncmp(seen[i], s, e - s)) {
						*msg = "the same rule appears twice";
						goto fail;
					}
				}
				grown = realloc(seen, (n + 1) * sizeof(*seen));
				if (!grown) {
					*msg = "out of memory";
					goto fail;
				}
				seen = grown;
				seen[n] = strndup(s, e - s);
				if (!seen[n]) {
					*msg = "out of memory";
					goto fail;
				}
				n++;
				continue;
			}
			rule = strndup(s, e - s);
			if (!rule || add(rule, ctx)) {
				free(rule);
				*msg = "the kernel refused the rule";
				goto fail;
			}
			free(rule);
			(*count)++;
		}
		if (!add)
			break;
	}
	for (i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	return 0;
fail:
	for (i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	return line;
}
