/* pt_mci_stats.c - the mass-casualty model's outputs per replication and
 * their summaries: t-based 95% interval of the mean and type-7 percentiles. */
#include "pt_mci.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum pt_err pt_mci_reps_new(const struct pt_mci_scenario *s, size_t n, struct pt_mci_rep **out)
{
	struct pt_mci_rep *r;
	size_t steps, i, per;
	float *load;
	*out = NULL;
	if (n > PT_MCI_MAX_REPLICATIONS)
		return PT_ELIMIT;
	steps = (size_t)floor(s->horizon_min / PT_MCI_LOAD_STEP_MIN) + 1;
	per = s->n_hospitals * steps;
	if (n && per > ((size_t)1 << 31) / n)
		return PT_ELIMIT; /* the load series would pass 8 GiB */
	/* One block: the results, then their load series. */
	r = calloc(1, (n ? n : 1) * sizeof *r + n * per * sizeof *load);
	if (!r)
		return PT_ENOMEM;
	load = (float *)(void *)(r + (n ? n : 1));
	for (i = 0; i < n; i++) {
		r[i].load = per ? load + i * per : NULL;
		r[i].n_steps = steps;
	}
	*out = r;
	return PT_OK;
}

void pt_mci_reps_free(struct pt_mci_rep *reps)
{
	free(reps);
}

static const char *const output_names[] = {
	"deaths", "deaths_scene", "deaths_transport", "deaths_hospital", "killed_outright",
	"later_deaths", "critical",
	"critical_deaths", "critical_mortality", "first_treatment_min", "surgery_min",
	"transported", "walked", "ambulance_trips", "ambulances_used", "events",
};
#define N_OUT (sizeof output_names / sizeof output_names[0])

size_t pt_mci_output_count(void)
{
	return N_OUT;
}

const char *pt_mci_output_name(size_t i)
{
	return i < N_OUT ? output_names[i] : NULL;
}

double pt_mci_output_value(const struct pt_mci_rep *r, size_t i)
{
	switch (i) {
	case 0:
		return (double)r->finals[PT_MCI_DEAD_SCENE] + r->finals[PT_MCI_DEAD_TRANSPORT] +
		       r->finals[PT_MCI_DEAD_HOSPITAL];
	case 1:
		return r->finals[PT_MCI_DEAD_SCENE];
	case 2:
		return r->finals[PT_MCI_DEAD_TRANSPORT];
	case 3:
		return r->finals[PT_MCI_DEAD_HOSPITAL];
	case 4:
		return r->killed;
	case 5: /* deaths among those alive at the start */
		return (double)r->finals[PT_MCI_DEAD_SCENE] + r->finals[PT_MCI_DEAD_TRANSPORT] +
		       r->finals[PT_MCI_DEAD_HOSPITAL] - r->killed;
	case 6:
		return r->critical;
	case 7:
		return r->critical_deaths;
	case 8:
		return r->critical ? (double)r->critical_deaths / r->critical : NAN;
	case 9:
		return r->first_treatment_min;
	case 10:
		return r->surgery_min;
	case 11:
		return r->transported;
	case 12:
		return r->walked;
	case 13:
		return r->ambulance_trips;
	case 14:
		return r->ambulances_used;
	case 15:
		return (double)r->events;
	default:
		return NAN;
	}
}

/*
 * Standard normal quantile: Acklam's rational approximation (relative
 * error 1.15e-9) refined by one Halley step on erfc, giving full double
 * precision in practice.
 */
static double normal_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
				    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
				    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
				    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
				    3.754408661907416e+00 };
	double q, r, x, e, u;
	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= 1 - 0.02425) {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	} else {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	e = 0.5 * erfc(-x / sqrt(2)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

/*
 * Student's t quantile with df degrees of freedom at upper-tail probability
 * p / 2 (two-sided p): Hill, G. W. (1970), Algorithm 396: Student's
 * t-quantiles, CACM 13(10) 619-620; exact for df 1 and 2.
 */
double pt_mci_t_quantile(double p, double df)
{
	double a, b, c, d, x, y, n = df;
	if (!(df >= 1) || !(p > 0 && p < 1))
		return NAN;
	if (n == 1)
		return 1 / tan(p * M_PI / 2);
	if (n == 2)
		return sqrt(2 / (p * (2 - p)) - 2);
	a = 1 / (n - 0.5);
	b = 48 / (a * a);
	c = ((20700 * a / b - 98) * a - 16) * a + 96.36;
	d = ((94.5 / (b + c) - 3) / b + 1) * sqrt(a * M_PI / 2) * n;
	x = d * p;
	y = pow(x, 2 / n);
	if (y > 0.05 + a) {
		x = normal_quantile(p * 0.5);
		y = x * x;
		if (n < 5)
			c += 0.3 * (n - 4.5) * (x + 0.6);
		c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
		y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
		y = a * y * y;
		y = y > 0.002 ? exp(y) - 1 : 0.5 * y * y + y;
	} else {
		y = ((1 / (((n + 6) / (n * y) - 0.089 * d - 0.822) * (n + 2) * 3) + 0.5 / (n + 4)) * y - 1) *
			    (n + 1) / (n + 2) +
		    1 / y;
	}
	return sqrt(n * y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Type 7 (Hyndman & Fan 1996; R's default): x[h] with h = (n - 1) p, linear between. */
static double percentile7(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p, f = floor(h);
	size_t i = (size_t)f;
	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + (h - f) * (x[i + 1] - x[i]);
}

enum pt_err pt_mci_summarise(const struct pt_mci_rep *reps, size_t n, size_t i,
			     struct pt_mci_stat *out)
{
	double *x, sum = 0, ss = 0, mean;
	size_t k, m = 0;
	out->mean = out->lo = out->hi = out->p025 = out->p975 = NAN;
	out->n = 0;
	if (n == 0)
		return PT_OK;
	x = malloc(n * sizeof *x);
	if (!x)
		return PT_ENOMEM;
	for (k = 0; k < n; k++) { /* replication order: the same sums on any thread or rank count */
		double v = pt_mci_output_value(&reps[k], i);
		if (isnan(v))
			continue;
		x[m++] = v;
		sum += v;
	}
	out->n = m;
	if (m == 0) {
		free(x);
		return PT_OK;
	}
	mean = sum / (double)m;
	for (k = 0; k < m; k++)
		ss += (x[k] - mean) * (x[k] - mean);
	out->mean = mean;
	if (m > 1) {
		double half = pt_mci_t_quantile(0.05, (double)(m - 1)) * sqrt(ss / (double)(m - 1) / (double)m);
		out->lo = mean - half;
		out->hi = mean + half;
	}
	qsort(x, m, sizeof *x, cmp_double);
	out->p025 = percentile7(x, m, 0.025);
	out->p975 = percentile7(x, m, 0.975);
	free(x);
	return PT_OK;
}
