/* pt_geo_area.c - the geometry of a public alert's area (issue 13 review):
 * haversine distances, a polygon checked against its site, the generic circle. */
#include "pt_geo_area.h"

#include <math.h>
#include <stdlib.h>

#define EARTH_KM 6371.0088
#define DEG (3.14159265358979323846 / 180.0)

double pt_geo_central_angle(double lat1, double lon1, double lat2, double lon2)
{
	double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
	if (a > 1)
		a = 1;
	return 2 * asin(sqrt(a));
}

double pt_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	return EARTH_KM * pt_geo_central_angle(lat1, lon1, lat2, lon2);
}

double pt_geo_ceil_tenth(double km)
{
	double t = ceil(km * 10.0 - 1e-9) / 10.0;
	return t < 0.1 ? 0.1 : t;
}

/* Orientation of (a, b, c): >0 counter-clockwise, <0 clockwise, 0 collinear. */
static double orient(double ax, double ay, double bx, double by, double cx, double cy)
{
	return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

static int on_segment(double ax, double ay, double bx, double by, double px, double py)
{
	return fmin(ax, bx) <= px && px <= fmax(ax, bx) && fmin(ay, by) <= py && py <= fmax(ay, by);
}

/* Nonzero when segments ab and cd meet (touching included). */
static int segments_meet(double ax, double ay, double bx, double by, double cx, double cy,
			 double dx, double dy)
{
	double o1 = orient(ax, ay, bx, by, cx, cy), o2 = orient(ax, ay, bx, by, dx, dy);
	double o3 = orient(cx, cy, dx, dy, ax, ay), o4 = orient(cx, cy, dx, dy, bx, by);
	if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)))
		return 1;
	return (o1 == 0 && on_segment(ax, ay, bx, by, cx, cy)) ||
	       (o2 == 0 && on_segment(ax, ay, bx, by, dx, dy)) ||
	       (o3 == 0 && on_segment(cx, cy, dx, dy, ax, ay)) ||
	       (o4 == 0 && on_segment(cx, cy, dx, dy, bx, by));
}

/* Distance from (0, 0) to segment ab. */
static double origin_to_segment(double ax, double ay, double bx, double by)
{
	double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, t;
	t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	return hypot(ax + t * dx, ay + t * dy);
}

enum pt_geo_polygon_verdict pt_geo_polygon_check(const double *lat, const double *lon, size_t n,
						 double site_lat, double site_lon, double max_km,
						 double near_km, double *far_km)
{
	double kx = EARTH_KM * DEG * cos(site_lat * DEG), ky = EARTH_KM * DEG, far = 0, area = 0;
	double near = INFINITY;
	size_t i, j, m = 0, *idx;
	int inside = 0;
	enum pt_geo_polygon_verdict v = PT_GEO_POLYGON_OK;
	if (far_km)
		*far_km = 0;
	if (n < 4)
		return PT_GEO_POLYGON_DEGENERATE;
	for (i = 0; i < n; i++) {
		double dist = pt_geo_distance_km(site_lat, site_lon, lat[i], lon[i]);
		if (dist > far)
			far = dist;
	}
	if (far_km)
		*far_km = far;
	if (far > max_km)
		return PT_GEO_POLYGON_TOO_FAR;
	/* the distinct corners: consecutive repeats dropped, the closing point too */
	if (!(idx = malloc(n * sizeof *idx)))
		return PT_GEO_POLYGON_NOMEM;
	{
		size_t *keep = idx;
		for (i = 0; i + 1 < n; i++)
			if (m == 0 || lat[i] != lat[keep[m - 1]] || lon[i] != lon[keep[m - 1]])
				keep[m++] = i;
		while (m > 1 && lat[keep[m - 1]] == lat[keep[0]] && lon[keep[m - 1]] == lon[keep[0]])
			m--;
		if (m < 3) {
			v = PT_GEO_POLYGON_DEGENERATE;
			goto out;
		}
		/* planar coordinates around the site, km */
#define X(k) ((lon[idx[(k) % m]] - site_lon) * kx)
#define Y(k) ((lat[idx[(k) % m]] - site_lat) * ky)
		/* every corner on one line: no area (said before any crossing it makes) */
		for (i = 2; i < m && fabs(orient(X(0), Y(0), X(1), Y(1), X(i), Y(i))) < 1e-9; i++)
			;
		if (i == m) {
			v = PT_GEO_POLYGON_DEGENERATE;
			goto out;
		}
		for (i = 0; i < m; i++)
			for (j = i + 1; j < m; j++) {
				if (j == i + 1 || (i == 0 && j == m - 1)) {
					/* neighbours share a corner: they may not fold back on each other */
					size_t a = j == i + 1 ? i : j, b = j == i + 1 ? j : i;
					size_t c = (b + 1) % m;
					if (orient(X(a), Y(a), X(b), Y(b), X(c), Y(c)) == 0 &&
					    (X(c) - X(b)) * (X(a) - X(b)) + (Y(c) - Y(b)) * (Y(a) - Y(b)) > 0) {
						v = PT_GEO_POLYGON_CROSSES;
						goto out;
					}
					continue;
				}
				if (segments_meet(X(i), Y(i), X(i + 1), Y(i + 1), X(j), Y(j), X(j + 1),
						  Y(j + 1))) {
					v = PT_GEO_POLYGON_CROSSES;
					goto out;
				}
			}
		for (i = 0; i < m; i++)
			area += X(i) * Y(i + 1) - X(i + 1) * Y(i);
		if (fabs(area) / 2 < 1e-6) {
			v = PT_GEO_POLYGON_DEGENERATE;
			goto out;
		}
		for (i = 0; i < m; i++) {
			double ax = X(i), ay = Y(i), bx = X(i + 1), by = Y(i + 1), dd;
			if ((ay > 0) != (by > 0) && 0 < ax + (0 - ay) * (bx - ax) / (by - ay))
				inside = !inside;
			dd = origin_to_segment(ax, ay, bx, by);
			if (dd < near)
				near = dd;
		}
#undef X
#undef Y
	}
	if (!inside && near > near_km)
		v = PT_GEO_POLYGON_NOT_NEAR;
out:
	free(idx);
	return v;
}

void pt_geo_generic_circle(double lat, double lon, double radius_km, double grid_deg,
			   double margin_km, double *out_lat, double *out_lon, double *out_radius_km)
{
	double slat = round(lat / grid_deg) * grid_deg, slon = round(lon / grid_deg) * grid_deg;
	/* round to the grid's decimals so the written circle holds no float noise */
	slat = round(slat * 1e6) / 1e6;
	slon = round(slon * 1e6) / 1e6;
	*out_lat = slat;
	*out_lon = slon;
	*out_radius_km = pt_geo_ceil_tenth(radius_km + pt_geo_distance_km(lat, lon, slat, slon) +
					   margin_km);
}
