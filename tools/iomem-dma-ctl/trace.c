// SPDX-License-Identifier: GPL-2.0-only
/*
 * iomem-dma-ctl trace and stat: the iomem_dma trace events through tracefs
 * (Documentation/driver-api/iomem_dma/tracing.rst).
 *
 * trace enables the events of the iomem_dma system, with a filter on the
 * provider and client fields when asked (an event without such a field is
 * left off then), prints what trace_pipe gives and, when it stops, turns
 * off and unfilters what it turned on. stat counts the same events per
 * interval and prints them per second, after the bytes each provider and
 * client holds (debugfs iomem_dma/accounting).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

#define MAX_EVENTS 64
#define NAME_MAX_LEN 64
#define MIN_INTERVAL 0.001	/* s: a rate over less is not one */

struct event {
	char name[NAME_MAX_LEN];
	bool on;		/* turned on by us */
	bool filtered;		/* filter written by us */
	unsigned long count;	/* lines seen this interval (stat) */
};

static struct event events[MAX_EVENTS];
static int nr_events;
static char tracing[PATH_MAX];
static sig_atomic_t stop;	/* set by the signal handler */

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

static bool stopped(void)
{
	return __atomic_load_n(&stop, __ATOMIC_RELAXED);
}

static int put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	size_t len = strlen(text);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return errno;
	n = write(fd, text, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = EIO;
	if (close(fd) && !err)
		err = errno;
	return err;
}

static void event_path(char *buf, size_t size, const char *ev, const char *file)
{
	/* A path too long for @buf opens nothing. */
	if (snprintf(buf, size, "%s/events/iomem_dma/%s/%s", tracing, ev,
		     file) >= (int)size)
		buf[0] = '\0';
}

/* Find tracefs: DIR/kernel/tracing, or the old place under debugfs. */
static int find_tracing(void)
{
	static const char *const places[] = {
		"kernel/tracing", "kernel/debug/tracing",
	};
	char path[PATH_MAX + 32];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(places); i++) {
		path_of(tracing, sizeof(tracing), places[i], NULL, NULL);
		snprintf(path, sizeof(path), "%s/events/iomem_dma", tracing);
		if (!access(path, F_OK))
			return EXIT_OK;
	}
	path_of(path, sizeof(path), "kernel/tracing/events/iomem_dma", NULL, NULL);
	fprintf(stderr, "iomem-dma-ctl: %s: not found; is tracefs mounted and the kernel built with CONFIG_EVENT_TRACING and iomem_dma?\n",
		path);
	return EXIT_NOTFOUND;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct event *)a)->name,
		      ((const struct event *)b)->name);
}

static int list_events(void)
{
	char path[PATH_MAX + 32];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/events/iomem_dma", tracing);
	d = opendir(path);
	if (!d)
		return errno_exit(errno, path);
	while ((de = readdir(d)) && nr_events < MAX_EVENTS) {
		char f[PATH_MAX + 96];

		if (de->d_name[0] == '.' || strlen(de->d_name) >= NAME_MAX_LEN)
			continue;
		event_path(f, sizeof(f), de->d_name, "enable");
		if (access(f, F_OK))
			continue;
		snprintf(events[nr_events].name, NAME_MAX_LEN, "%s", de->d_name);
		nr_events++;
	}
	closedir(d);
	qsort(events, nr_events, sizeof(events[0]), by_name);
	if (!nr_events) {
		fprintf(stderr, "iomem-dma-ctl: %s has no events\n", path);
		return EXIT_NOTFOUND;
	}
	return EXIT_OK;
}

/* Has event @ev a field called @field (its format file says)? */
static bool has_field(const char *ev, const char *field)
{
	char path[PATH_MAX + 96], *fmt, *line, *save;
	bool found = false;

	event_path(path, sizeof(path), ev, "format");
	fmt = slurp(path, NULL);
	if (!fmt)
		return false;
	for (line = strtok_r(fmt, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f = strstr(line, "field:"), *semi = f ? strchr(f, ';') : NULL;
		char *name;

		if (!semi)
			continue;
		*semi = '\0';
		name = strrchr(f, ' ');
		name = name ? name + 1 : f + 6;
		/* An array field ends in [N]; a string is __data_loc char[]. */
		found = !strncmp(name, field, strlen(field)) &&
			(!name[strlen(field)] || name[strlen(field)] == '[');
	}
	free(fmt);
	return found;
}

/* Turn off and unfilter what we turned on. */
static void restore_events(void)
{
	char path[PATH_MAX + 96];
	int i;

	for (i = 0; i < nr_events; i++) {
		if (events[i].on) {
			event_path(path, sizeof(path), events[i].name, "enable");
			put_file(path, "0");
			events[i].on = false;
		}
		if (events[i].filtered) {
			event_path(path, sizeof(path), events[i].name, "filter");
			put_file(path, "0");
			events[i].filtered = false;
		}
	}
}

/* A name as a filter's string operand: no quote or backslash in it. */
static bool filter_safe(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			return false;
	return true;
}

static int enable_events(const char *prov, const char *client)
{
	char path[PATH_MAX + 96], filter[512];
	int i, err, enabled = 0;

	for (i = 0; i < nr_events; i++) {
		const char *ev = events[i].name;
		int n = 0;

		if ((prov && !has_field(ev, "provider")) ||
		    (client && !has_field(ev, "client")))
			continue;
		filter[0] = '\0';
		if (prov)
			n += snprintf(filter + n, sizeof(filter) - n,
				      "provider == \"%s\"", prov);
		if (client)
			snprintf(filter + n, sizeof(filter) - n,
				 "%sclient == \"%s\"", prov ? " && " : "", client);
		if (filter[0]) {
			event_path(path, sizeof(path), ev, "filter");
			err = put_file(path, filter);
			if (err) {
				restore_events();
				return errno_exit(err, path);
			}
			events[i].filtered = true;
		}
		event_path(path, sizeof(path), ev, "enable");
		err = put_file(path, "1");
		if (err) {
			restore_events();
			return errno_exit(err, path);
		}
		events[i].on = true;
		enabled++;
	}
	if (!enabled) {
		fprintf(stderr, "iomem-dma-ctl: no iomem_dma event has the fields asked for\n");
		return EXIT_NOTFOUND;
	}
	return EXIT_OK;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The event name of a trace_pipe line: the word before ": " after the time. */
static const char *line_event(const char *line, size_t *len, const char **rest)
{
	const char *p = strstr(line, ": iomem_dma"), *e;

	if (!p)
		p = strstr(line, ": ");
	if (!p)
		return NULL;
	p += 2;
	e = strchr(p, ':');
	if (!e)
		return NULL;
	*len = e - p;
	*rest = e[1] == ' ' ? e + 2 : e + 1;
	return p;
}

static void print_json_line(const char *line)
{
	const char *ev, *rest;
	size_t len;
	char name[NAME_MAX_LEN];

	ev = line_event(line, &len, &rest);
	if (!ev || len >= sizeof(name)) {
		printf("{\"line\":");
		json_str(line);
		printf("}\n");
		return;
	}
	memcpy(name, ev, len);
	name[len] = '\0';
	printf("{\"event\":");
	json_str(name);
	printf(",\"text\":");
	json_str(rest);
	printf("}\n");
}

/*
 * Read trace_pipe for up to @seconds (forever if 0) or @count lines (all
 * if 0), handing each line to @fn. A regular file in place of the pipe
 * (the tests' tree) ends at its end.
 */
static int pump(double seconds, unsigned long count, void (*fn)(const char *))
{
	char path[PATH_MAX + 16], buf[8192], line[4096];
	double end = seconds > 0 ? now() + seconds : 0;
	unsigned long seen = 0;
	size_t have = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/trace_pipe", tracing);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return errno_exit(errno, path);
	while (!stopped() && (!count || seen < count)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double left = end ? end - now() : 0.2;
		ssize_t n;
		size_t i;

		if (end && left <= 0)
			break;
		if (poll(&pfd, 1, (int)((left < 0.2 ? left : 0.2) * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n && (!count || seen < count); i++) {
			if (buf[i] != '\n') {
				if (have < sizeof(line) - 1)
					line[have++] = buf[i];
				continue;
			}
			line[have] = '\0';
			have = 0;
			fn(line);
			seen++;
		}
	}
	close(fd);
	return EXIT_OK;
}

static void print_line(const char *line)
{
	if (json)
		print_json_line(line);
	else
		printf("%s\n", line);
	fflush(stdout);
}

static int parse_num(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return *s && !*end && *out >= 0 ? 0 : -1;
}

/* Find tracefs, list the events, and enable them (filtered) until stopped. */
static int start_events(const char *prov, const char *client)
{
	int ret = find_tracing();

	if (!ret)
		ret = list_events();
	if (ret)
		return ret;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	return enable_events(prov, client);
}

int cmd_trace(int argc, char **argv)
{
	const char *prov = NULL, *client = NULL;
	double seconds = 0, count = 0;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "provider=", 9) && argv[i][9]) {
			prov = argv[i] + 9;
		} else if (!strncmp(argv[i], "client=", 7) && argv[i][7]) {
			client = argv[i] + 7;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (parse_num(argv[++i], &count))
				goto usage;
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			if (parse_num(argv[++i], &seconds))
				goto usage;
		} else {
			goto usage;
		}
	}
	if ((prov && !filter_safe(prov)) || (client && !filter_safe(client))) {
		fprintf(stderr, "iomem-dma-ctl: a name with a quote, backslash or control character cannot be filtered on\n");
		return EXIT_INVALID;
	}
	ret = start_events(prov, client);
	if (ret)
		return ret;
	ret = pump(seconds, (unsigned long)count, print_line);
	restore_events();
	return ret;
usage:
	fprintf(stderr, "usage: iomem-dma-ctl trace [provider=P] [client=C] [--count N] [--seconds S]\n");
	return EXIT_USAGE;
}

static void count_line(const char *line)
{
	const char *ev, *rest;
	size_t len;
	int i;

	ev = line_event(line, &len, &rest);
	if (!ev)
		return;
	for (i = 0; i < nr_events; i++)
		if (strlen(events[i].name) == len && !strncmp(events[i].name, ev, len))
			events[i].count++;
}

/*
 * The accounting of debugfs: providers with the bytes in use, their
 * clients indented under them; with --json the "providers" member of
 * stat's object (empty without debugfs).
 */
static int print_accounting(void)
{
	char path[PATH_MAX], *t, *line, *save;
	unsigned long long size, avail, bytes;
	unsigned long allocs;
	char name[256];
	int np = 0, nc = 0;

	path_of(path, sizeof(path), "kernel/debug/iomem_dma/accounting", NULL, NULL);
	t = slurp(path, NULL);
	if (!t && !json) {
		if (errno != ENOENT)
			return errno_exit(errno, path);
		fprintf(stderr, "iomem-dma-ctl: %s: not found; is debugfs mounted?\n", path);
		return EXIT_NOTFOUND;
	}
	if (json)
		printf("\"providers\":[");
	for (line = t ? strtok_r(t, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "provider %255s size %llu avail %llu allocations %lu",
			   name, &size, &avail, &allocs) == 4) {
			if (!json) {
				printf("provider %s: %llu of %llu bytes in use, %lu allocation(s)\n",
				       name, size - avail, size, allocs);
				continue;
			}
			printf("%s{\"name\":", np++ ? "]}," : "");
			json_str(name);
			printf(",\"size\":%llu,\"used\":%llu,\"allocations\":%lu,\"clients\":[",
			       size, size - avail, allocs);
			nc = 0;
		} else if (sscanf(line, " client %255s bytes %llu allocations %lu",
				  name, &bytes, &allocs) == 3) {
			if (!json) {
				printf("  client %s: %llu bytes, %lu allocation(s)\n", name,
				       bytes, allocs);
			} else if (np) {
				printf("%s{\"name\":", nc++ ? "," : "");
				json_str(name);
				printf(",\"bytes\":%llu,\"allocations\":%lu}", bytes, allocs);
			}
		}
	}
	if (json)
		printf("%s]", np ? "]}" : "");
	free(t);
	return EXIT_OK;
}

int cmd_stat(int argc, char **argv)
{
	double interval = 1, count = 0, t0, dt;
	unsigned long round;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			if (parse_num(argv[++i], &interval) || interval <= 0)
				goto usage;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (parse_num(argv[++i], &count))
				goto usage;
		} else {
			goto usage;
		}
	}
	ret = start_events(NULL, NULL);
	if (ret)
		return ret;
	for (round = 0; !stopped() && (!count || round < (unsigned long)count); round++) {
		t0 = now();
		ret = pump(interval, 0, count_line);
		dt = now() - t0;
		if (ret)
			break;
		if (dt < MIN_INTERVAL)
			dt = MIN_INTERVAL;
		if (json) {
			printf("{\"interval\":%.3f,", dt);
			print_accounting();
			printf(",\"events_per_second\":{");
			for (i = 0; i < nr_events; i++) {
				printf("%s", i ? "," : "");
				json_str(events[i].name);
				printf(":%.1f", events[i].count / dt);
			}
			printf("}}\n");
		} else {
			ret = print_accounting();
			if (ret)
				break;
			printf("events over %.1f s:", dt);
			for (i = 0; i < nr_events; i++)
				if (events[i].count)
					printf(" %s %lu (%.1f/s)", events[i].name,
					       events[i].count, events[i].count / dt);
			printf("\n\n");
		}
		fflush(stdout);
		for (i = 0; i < nr_events; i++)
			events[i].count = 0;
	}
	restore_events();
	return ret;
usage:
	fprintf(stderr, "usage: iomem-dma-ctl stat [--interval S] [--count N]\n");
	return EXIT_USAGE;
}
