/* pt_geo_area.h - the geometry of a public alert's area (issue 13 review):
 * distances on the sphere, a polygon checked against its site, a generic circle. Pure. */
#ifndef PT_GEO_AREA_H
#define PT_GEO_AREA_H

#include <stddef.h>

#define PT_ALERT_POLYGON_MAX_KM 100.0  /**< a polygon's vertex at most this far from the site */
#define PT_ALERT_POLYGON_NEAR_KM 5.0   /**< a polygon contains the site or passes this close */
#define PT_ALERT_GENERIC_GRID_DEG 0.02 /**< a generic circle's centre: this grid of degrees */
#define PT_ALERT_GENERIC_MARGIN_KM 0.5 /**< added to a generic circle's radius */

/**
 * The central angle in radians between two WGS 84 points (degrees), by the
 * haversine formula: a great-circle distance is a radius times it.
 */
double pt_geo_central_angle(double lat1, double lon1, double lat2, double lon2);

/** Great-circle distance in km between two WGS 84 points (haversine, mean radius 6371.0088 km). */
double pt_geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/** What pt_geo_polygon_check found. */
enum pt_geo_polygon_verdict {
	PT_GEO_POLYGON_OK = 0,
	PT_GEO_POLYGON_DEGENERATE, /**< fewer than three distinct corners or no area */
	PT_GEO_POLYGON_CROSSES,    /**< two edges cross or touch: not a simple ring */
	PT_GEO_POLYGON_TOO_FAR,    /**< a vertex lies more than max_km from the site */
	PT_GEO_POLYGON_NOT_NEAR,   /**< the site is neither inside nor within near_km */
	PT_GEO_POLYGON_NOMEM       /**< out of memory */
};

/**
 * Check the closed ring lat/lon[0, n) (the last point the first) against
 * the site: every vertex within max_km of it, a simple ring (no two edges
 * meet but neighbours at their shared corner; repeated consecutive points
 * are ignored), an area above 0, and the site inside or within near_km of
 * the boundary. *far_km (when not NULL): the largest distance from the site
 * to a vertex. Planar in a local projection around the site (good to well
 * under 1 % within 100 km).
 */
enum pt_geo_polygon_verdict pt_geo_polygon_check(const double *lat, const double *lon, size_t n,
						 double site_lat, double site_lon, double max_km,
						 double near_km, double *far_km);

/**
 * A circle that covers the circle (lat, lon, radius_km) without revealing
 * its centre: the centre rounded to a grid of grid_deg degrees, the radius
 * enlarged by the distance moved plus margin_km and rounded up to 0.1 km.
 */
void pt_geo_generic_circle(double lat, double lon, double radius_km, double grid_deg,
			   double margin_km, double *out_lat, double *out_lon, double *out_radius_km);

/** km rounded up to the next 0.1 km (at least 0.1). */
double pt_geo_ceil_tenth(double km);

#endif
