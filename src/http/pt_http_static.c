/* pt_http_static.c - the web page (web/ files compiled into the binary) and
 * Leaflet and Chart.js from Debian's packages, with content types and no way out of their folders. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../formats/pt_embedded.h"
#include "pt_http_int.h"

#define STATIC_PATH_MAX 256            /* longest URL path of a static file */
#define VENDOR_FILE_MAX (16L << 20)    /* largest vendored file served */

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".json", "application/json; charset=utf-8"},
	{".geojson", "application/geo+json"},
	{".map", "application/json; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".txt", "text/plain; charset=utf-8"},
	{".csv", "text/csv; charset=utf-8"},
	{".woff2", "font/woff2"},
};

const char *pt_content_type(const char *name)
{
	size_t i, n = strlen(name);
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t k = strlen(types[i].ext);
		if (n > k && strcmp(name + n - k, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/* A relative path of segments [A-Za-z0-9._-]+, none starting with a dot, at most 5 deep. */
static int safe_relative(const char *p)
{
	int depth = 0;
	if (!*p || strlen(p) >= STATIC_PATH_MAX)
		return 0;
	while (*p) {
		size_t n = 0;
		if (*p == '.')
			return 0;
		while (p[n] && p[n] != '/') {
			char c = p[n];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			      c == '.' || c == '_' || c == '-'))
				return 0;
			n++;
		}
		if (n == 0 || ++depth > 5)
			return 0;
		p += n;
		if (*p == '/') {
			p++;
			if (!*p)
				return 0;
		}
	}
	return 1;
}

static void serve_embedded(struct pt_req *r, const char *rel)
{
	char name[STATIC_PATH_MAX + 8];
	const struct pt_embedded_file *f;
	struct MHD_Response *resp;
	snprintf(name, sizeof name, "web/%s", rel);
	f = pt_embedded_find(name);
	if (!f) {
		pt_reply_not_found(r);
		return;
	}
	resp = MHD_create_response_from_buffer(f->len, (void *)f->data, MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		pt_reply_error(r, 500, NULL, 0, "out of memory");
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, pt_content_type(name));
	r->raw = resp;
	r->status = 200;
}

static void serve_vendor(struct pt_req *r, const char *package, const char *rel)
{
	char root[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	struct stat st;
	struct MHD_Response *resp;
	size_t n;
	int fd;
	if (snprintf(path, sizeof path, "%s/%s", r->srv->vendor_dir, package) >= (int)sizeof path ||
	    !realpath(path, root)) {
		pt_reply_not_found(r);
		return;
	}
	if (snprintf(path, sizeof path, "%s/%s", root, rel) >= (int)sizeof path ||
	    !realpath(path, real)) {
		pt_reply_not_found(r);
		return;
	}
	n = strlen(root);
	/* Debian links some names to others in the same folder; nothing may lead outside it. */
	if (strncmp(real, root, n) != 0 || real[n] != '/') {
		pt_reply_not_found(r);
		return;
	}
	fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pt_reply_not_found(r);
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > VENDOR_FILE_MAX) {
		close(fd);
		pt_reply_not_found(r);
		return;
	}
	resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd); /* closes fd when done */
	if (!resp) {
		close(fd);
		pt_reply_error(r, 500, NULL, 0, "out of memory");
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, pt_content_type(real));
	r->raw = resp;
	r->status = 200;
}

void pt_static_serve(struct pt_req *r)
{
	const char *url = r->url;
	if (strchr(url, '?'))
		url = ""; /* never: MHD strips the query; be safe */
	if (strcmp(url, "/") == 0) {
		serve_embedded(r, "index.html");
		return;
	}
	if (url[0] != '/' || !safe_relative(url + 1)) {
		pt_reply_not_found(r);
		return;
	}
	if (strncmp(url, "/vendor/leaflet/", 16) == 0)
		serve_vendor(r, "leaflet", url + 16);
	else if (strncmp(url, "/vendor/chart.js/", 17) == 0)
		serve_vendor(r, "chart.js", url + 17);
	else if (strncmp(url, "/vendor/", 8) == 0)
		pt_reply_not_found(r);
	else
		serve_embedded(r, url + 1);
}
