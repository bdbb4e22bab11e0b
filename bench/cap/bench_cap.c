/* bench_cap.c - CAP 1.2 messages per second: this project's parse + check + write, its check
 * of already-parsed trees and libxml2's xmlSchemaValidateDoc (cap12.xsd) on the same trees. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "core/pt_cap.h"
#include "formats/pt_cap_xml.h"
#include "formats/pt_cap_xml_int.h"

#define MAX_FILES 64
/* the options of pt_cap_xml_read's parse */
#define PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT)

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void quiet_s(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../shared/fixtures/cap";
	long rounds = argc > 2 ? atol(argv[2]) : 10000;
	char *names[MAX_FILES], *bufs[MAX_FILES], path[1024];
	size_t lens[MAX_FILES], n = 0, bytes = 0;
	xmlDocPtr docs[MAX_FILES];
	static struct pt_cap_problems p;

	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "bench_cap: %s: cannot open\n", dir);
		return 66;
	}
	struct dirent *e;
	while ((e = readdir(d)) && n < MAX_FILES) {
		size_t l = strlen(e->d_name);
		/* xee.cap is refused before parsing (DOCTYPE); every other fixture is timed */
		if (l > 4 && strcmp(e->d_name + l - 4, ".cap") == 0 && strcmp(e->d_name, "xee.cap"))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	xmlSetGenericErrorFunc(NULL, quiet);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		bufs[i] = slurp(path, &lens[i]);
		docs[i] = bufs[i] ? xmlReadMemory(bufs[i], (int)lens[i], NULL, NULL, PARSE_OPTS)
				  : NULL;
		if (!docs[i]) {
			fprintf(stderr, "bench_cap: %s: not read\n", path);
			return 65;
		}
		bytes += lens[i];
	}
	snprintf(path, sizeof(path), "%s/cap12.xsd", dir);
	size_t xlen = 0;
	char *xsd = slurp(path, &xlen);
	xmlSchemaParserCtxtPtr pc = xsd ? xmlSchemaNewMemParserCtxt(xsd, (int)xlen) : NULL;
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	if (!schema) {
		fprintf(stderr, "bench_cap: %s: not loaded\n", path);
		return 66;
	}
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
	xmlSchemaSetValidStructuredErrors(v, quiet_s, NULL);

	printf("CAP fixtures: %zu files, %zu bytes, %ld rounds (%ld messages each way)\n", n, bytes,
	       rounds, rounds * (long)n);
	/* verdicts first: both must agree on every file */
	for (size_t i = 0; i < n; i++) {
		struct pt_cap_alert *a = NULL;
		enum pt_err err = pt_cap_xml_read(bufs[i], lens[i], &a, &p);
		int ours = err == PT_OK && p.n_schema == 0;
		pt_cap_alert_free(a);
		a = NULL;
		err = pt_cap_xml_read_doc(docs[i], &a, &p);
		if (ours != (err == PT_OK && p.n_schema == 0))
			printf("  %s: pt_cap_xml_read and pt_cap_xml_read_doc DISAGREE\n", names[i]);
		int theirs = xmlSchemaValidateDoc(v, docs[i]) == 0;
		printf("  %-26s %6zu bytes  schema-valid: protect %s, libxml2 %s%s\n", names[i], lens[i],
		       ours ? "yes" : "no", theirs ? "yes" : "no", ours == theirs ? "" : "  DISAGREE");
		pt_cap_alert_free(a);
	}

	/* 1. protect: read (parse + structure + check) and write back */
	long msgs = 0, sink = 0;
	double t0 = cpu_s();
	for (long r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			struct pt_cap_alert *a = NULL;
			char *out = NULL;
			size_t olen = 0;
			if (pt_cap_xml_read(bufs[i], lens[i], &a, &p) == PT_OK &&
			    pt_cap_xml_write(a, &out, &olen) == PT_OK)
				sink += (long)olen;
			free(out);
			pt_cap_alert_free(a);
			msgs++;
		}
	double ours_full = cpu_s() - t0;

	/* 2. protect: read and check only (parse included) */
	t0 = cpu_s();
	for (long r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			struct pt_cap_alert *a = NULL;
			if (pt_cap_xml_read(bufs[i], lens[i], &a, &p) == PT_OK)
				sink += (long)p.n;
			pt_cap_alert_free(a);
		}
	double ours_read = cpu_s() - t0;

	/* 3. protect: the check of the already-parsed documents (structure walk,
	 * model, pt_cap_check): what xmlSchemaValidateDoc does, like for like */
	t0 = cpu_s();
	for (long r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			struct pt_cap_alert *a = NULL;
			if (pt_cap_xml_read_doc(docs[i], &a, &p) == PT_OK)
				sink += (long)p.n;
			pt_cap_alert_free(a);
		}
	double ours_check = cpu_s() - t0;

	/* 4. libxml2: xmlSchemaValidateDoc on the same already-parsed documents */
	t0 = cpu_s();
	for (long r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++)
			sink += xmlSchemaValidateDoc(v, docs[i]);
	double xsd_valid = cpu_s() - t0;

	/* 5. libxml2: parsing alone (every pipeline above that reads bytes includes one) */
	t0 = cpu_s();
	for (long r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			xmlDocPtr doc = xmlReadMemory(bufs[i], (int)lens[i], NULL, NULL, PARSE_OPTS);
			sink += doc != NULL;
			xmlFreeDoc(doc);
		}
	double parse = cpu_s() - t0;

	double m = (double)msgs;
	printf("protect parse+check+write:                %9.0f messages/s (%.3f s CPU)\n",
	       m / ours_full, ours_full);
	printf("protect parse+check:                      %9.0f messages/s (%.3f s CPU)\n",
	       m / ours_read, ours_read);
	printf("protect check of the parsed documents:    %9.0f messages/s (%.3f s CPU)\n",
	       m / ours_check, ours_check);
	printf("libxml2 xmlSchemaValidateDoc, same docs:  %9.0f messages/s (%.3f s CPU)\n",
	       m / xsd_valid, xsd_valid);
	printf("libxml2 parse alone (xmlReadMemory):      %9.0f messages/s (%.3f s CPU)\n",
	       m / parse, parse);
	printf("ratio check of parsed docs / libxml2 validate: %5.2fx  <- the issue's 5x aim: both\n"
	       "    validate the same parsed trees against the same schema (like for like)\n",
	       xsd_valid / ours_check);
	printf("ratio parse+check+write / libxml2 validate:    %5.2fx  (ours includes a parse and a\n"
	       "    write, libxml2's neither; the parse alone caps this at %.2fx)\n",
	       xsd_valid / ours_full, xsd_valid / parse);
	printf("ratio parse+check / libxml2 parse+validate:    %5.2fx  (both from the bytes)\n",
	       (parse + xsd_valid) / ours_read);
	if (sink == 42)
		printf("\n");
	xmlSchemaFreeValidCtxt(v);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	free(xsd);
	for (size_t i = 0; i < n; i++) {
		xmlFreeDoc(docs[i]);
		free(bufs[i]);
		free(names[i]);
	}
	return 0;
}
