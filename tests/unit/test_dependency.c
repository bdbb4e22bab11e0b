/* test_dependency.c - unit tests of src/core/pt_dependency.c (types, one row's
 * checks, pairs and groups) and src/formats/pt_deps_io.c (the CSV reader's
 * FILE:LINE errors, the writers' round trip). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pt_cascade.h"
#include "formats/pt_deps_io.h"
#include "pt_test.h"

#define HDR "provider_id,consumer_id,type,autonomy_hours,service_loss,group\n"

static struct pt_dependency dep(const char *p, const char *c, double h, double loss,
				const char *group)
{
	struct pt_dependency x;
	memset(&x, 0, sizeof x);
	pt_strlcpy(x.provider_id, p, sizeof x.provider_id);
	pt_strlcpy(x.consumer_id, c, sizeof x.consumer_id);
	pt_strlcpy(x.group, group, sizeof x.group);
	x.type = PT_DEP_PHYSICAL;
	x.autonomy_hours = h;
	x.service_loss = loss;
	return x;
}

static void test_types(void)
{
	enum pt_dep_type t;
	CHECK_STR(pt_dep_type_name(PT_DEP_PHYSICAL), "physical");
	CHECK_STR(pt_dep_type_name(PT_DEP_CYBER), "cyber");
	CHECK_STR(pt_dep_type_name(PT_DEP_GEOGRAPHIC), "geographic");
	CHECK_STR(pt_dep_type_name(PT_DEP_LOGICAL), "logical");
	CHECK_STR(pt_dep_type_name((enum pt_dep_type)9), "");
	CHECK_INT(pt_dep_type_parse("cyber", &t), PT_OK);
	CHECK_INT(t, PT_DEP_CYBER);
	CHECK_INT(pt_dep_type_parse("Cyber", &t), PT_EINVAL);
	CHECK_INT(pt_dep_type_parse("", &t), PT_EINVAL);
}

static void test_check_one(void)
{
	struct pt_diag d;
	struct pt_dependency x = dep("A", "B", 8, 1, "");
	memset(&d, 0, sizeof d);
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_OK);
	x = dep("A", "A", 8, 1, "");
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_EINVAL);
	CHECK_STR(d.field, "consumer_id");
	CHECK_INT(d.line, 3);
	x = dep("A", "B", -1, 1, "");
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_EINVAL);
	CHECK_STR(d.field, "autonomy_hours");
	x = dep("A", "B", INFINITY, 1, "");
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_EINVAL);
	x = dep("A", "B", 2e6, 1, "");
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_EINVAL);
	x = dep("A", "B", 1, 1.5, "");
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_EINVAL);
	CHECK_STR(d.field, "service_loss");
	x = dep("A", "B", 1, NAN, "");
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_EINVAL);
	x = dep("A", "B", 1, 0.5, "");
	x.type = (enum pt_dep_type)7;
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_EINVAL);
	CHECK_STR(d.field, "type");
	x = dep("", "B", 1, 0.5, "");
	CHECK_INT(pt_dependency_check(&x, &d, 3), PT_EINVAL);
	CHECK_STR(d.field, "provider_id");
	CHECK_INT(pt_dependency_check(&x, NULL, 3), PT_EINVAL); /* d may be NULL */
}

static void test_check_set(void)
{
	struct pt_diag d;
	size_t bad = 99, earlier = 99;
	struct pt_dependency s[5];
	memset(&d, 0, sizeof d);
	s[0] = dep("P1", "H", 8, 1, "power");
	s[1] = dep("P2", "H", 8, 1, "power");
	s[2] = dep("W", "H", 24, 0.5, "");
	s[3] = dep("P1", "X", 2, 1, "power"); /* another consumer's group of the same name */
	s[4] = dep("W", "X", 3, 0.5, "");
	CHECK_INT(pt_dependencies_check(s, 5, &bad, &d), PT_OK);
	CHECK_INT(pt_dependencies_check(s, 0, &bad, &d), PT_OK);
	/* the same pair twice: the later row, naming the earlier */
	s[4] = dep("W", "H", 3, 0.5, "");
	CHECK_INT(pt_dependencies_check_at(s, 5, &bad, &earlier, &d), PT_EINVAL);
	CHECK_INT(bad, 4);
	CHECK_INT(earlier, 2);
	CHECK_STR(d.field, "consumer_id");
	CHECK(strstr(d.msg, "as row 2") != NULL);
	/* a group that disagrees */
	s[4] = dep("W", "X", 3, 0.5, "");
	s[1].autonomy_hours = 6;
	CHECK_INT(pt_dependencies_check_at(s, 5, &bad, &earlier, &d), PT_EINVAL);
	CHECK_INT(bad, 1);
	CHECK_INT(earlier, 0);
	CHECK_STR(d.field, "autonomy_hours");
	s[1].autonomy_hours = 8;
	s[1].service_loss = 0.9;
	CHECK_INT(pt_dependencies_check(s, 5, &bad, &d), PT_EINVAL);
	CHECK_INT(bad, 1);
	CHECK_STR(d.field, "service_loss");
}

/* Read text; on an error d holds it. */
static enum pt_err read_text(const char *text, struct pt_dep_list *l, struct pt_diag *d)
{
	memset(d, 0, sizeof *d);
	return pt_deps_read_csv(text, strlen(text), l, d);
}

/* text is rejected at line, field, with a message containing part. */
static void rejects(const char *text, long line, const char *field, const char *part)
{
	struct pt_dep_list l;
	struct pt_diag d;
	memset(&l, 0, sizeof l);
	CHECK(read_text(text, &l, &d) != PT_OK);
	CHECK_INT(d.line, line);
	CHECK_STR(d.field, field);
	if (!strstr(d.msg, part))
		fprintf(stderr, "  message was: %s\n", d.msg);
	CHECK(strstr(d.msg, part) != NULL);
	CHECK_INT(l.n, 0);
}

static void test_read(void)
{
	struct pt_dep_list l;
	struct pt_diag d;
	memset(&l, 0, sizeof l);
	CHECK_INT(read_text("# TLP:AMBER\n" HDR "A,B,cyber,8,1,\nC,B,logical,0.5,0.25,g\n", &l, &d),
		  PT_OK);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.lines[0], 3);
	CHECK_INT(l.items[0].type, PT_DEP_CYBER);
	CHECK_STR(l.items[1].group, "g");
	CHECK_NEAR(l.items[1].service_loss, 0.25, 0);
	pt_dep_list_clear(&l);
	/* the group column is optional, the columns in any order */
	CHECK_INT(read_text("consumer_id,provider_id,type,service_loss,autonomy_hours\nB,A,physical,1,8\n",
			    &l, &d),
		  PT_OK);
	CHECK_STR(l.items[0].provider_id, "A");
	CHECK_NEAR(l.items[0].autonomy_hours, 8, 0);
	pt_dep_list_clear(&l);

	rejects(HDR "A,A,physical,8,1,\n", 2, "consumer_id", "cannot depend on itself");
	rejects(HDR "A,B,physical,8,1,\nA,B,cyber,2,1,\n", 3, "consumer_id",
		"duplicate dependency of B on A (first on line 2)");
	rejects(HDR "A,B,physical,-1,1,\n", 2, "autonomy_hours", "negative");
	rejects(HDR "A,B,physical,inf,1,\n", 2, "autonomy_hours", "not a number");
	rejects(HDR "A,B,physical,nan,1,\n", 2, "autonomy_hours", "not a number");
	rejects(HDR "A,B,physical,8,1.5,\n", 2, "service_loss", "outside 0-1");
	rejects(HDR "A,B,physical,8,-0.1,\n", 2, "service_loss", "outside 0-1");
	rejects(HDR "A,B,electric,8,1,\n", 2, "type", "unknown type \"electric\"");
	rejects(HDR "A,H,physical,8,1,g\n\nC,H,physical,6,1,g\n", 4, "autonomy_hours",
		"6 here but 8 on line 2");
	rejects(HDR "A,H,physical,8,1,g\nC,H,physical,8,0.5,g\n", 3, "service_loss",
		"0.5 here but 1 on line 2");
	rejects(HDR "A,B,physical,8\n", 2, "", "the row has 4 fields; the header has 6");
	rejects(HDR "A,B,physical,8,1,,x\n", 2, "", "the row has 7 fields; the header has 6");
	rejects("provider_id,consumer_id,type,autonomy_hours\nA,B,physical,8\n", 1, "service_loss",
		"required column missing");
	rejects("provider_id,consumer_id,type,autonomy_hours,service_loss,colour\n", 1, "",
		"colour");
	rejects(HDR "A b,B,physical,8,1,\n", 2, "provider_id", "not a valid id");
	rejects("", 1, "", "empty");
}

static void test_write_round_trip(void)
{
	static const char text[] = HDR "A,B,cyber,8,1,\nA,C,geographic,0.1,0.3333333333333333,g\n"
				       "D,C,logical,1000000,0,g2\n";
	struct pt_dep_list l, again;
	struct pt_diag d;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	memset(&l, 0, sizeof l);
	memset(&again, 0, sizeof again);
	CHECK_INT(read_text(text, &l, &d), PT_OK);
	f = open_memstream(&out, &len);
	CHECK(f != NULL);
	CHECK_INT(pt_deps_write_csv(f, l.items, l.n), PT_OK);
	fclose(f);
	CHECK_STR(out, text); /* byte for byte */
	free(out);
	/* JSON: the values exactly, the group null when none */
	f = open_memstream(&out, &len);
	CHECK_INT(pt_deps_write_json(f, l.items, l.n, NULL, 2, PT_TLP_AMBER), PT_OK);
	fclose(f);
	CHECK(strstr(out, "\"service_loss\": 0.3333333333333333,") != NULL);
	CHECK(strstr(out, "\"autonomy_hours\": 0.1,") != NULL);
	CHECK(strstr(out, "\"group\": null") != NULL);
	CHECK(strstr(out, "\"withheld\": 2") != NULL);
	CHECK(strstr(out, "\"tlp\": \"TLP:AMBER\"") != NULL);
	free(out);
	pt_dep_list_clear(&l);
	pt_dep_list_clear(&again);
}

int main(void)
{
	RUN(test_types);
	RUN(test_check_one);
	RUN(test_check_set);
	RUN(test_read);
	RUN(test_write_round_trip);
	return TEST_SUMMARY("dependency");
}
