/*
 * The TUI's text functions (src/tui/text.c), without a terminal: sanitising,
 * escaping, display widths and wrapping.  Widths are those of C.UTF-8, the
 * locale the TUI tests run in; the expectations are counted by hand from the
 * rule each function documents.
 */
#include <config.h>

#include <locale.h>

#include "tui/text.h"
#include "unit.h"

static int
utf8_locale(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		print_error("the C.UTF-8 locale is missing\n");
		return -1;
	}
	return 0;
}

static void
test_sanitize(void **state)
{
	char a[] = "a\x1b[31mb\x7f\nc\xc3\xa4";
	char b[] = "a\x1b\nb\t\xc3\xa4";

	(void)state;
	text_sanitize(a);
	/* Escape, DEL and newline go; the bytes of a UTF-8 character stay. */
	assert_string_equal(a, "a?[31mb??c\xc3\xa4");
	text_sanitize_lines(b);
	assert_string_equal(b, "a?\nb?\xc3\xa4");
}

static void
test_escape_non_ascii(void **state)
{
	char *s;

	(void)state;
	assert_true(text_is_ascii(""));
	assert_true(text_is_ascii("kafka-1 = 9093"));
	assert_false(text_is_ascii("Gr\xc3\xbc\xc3\x9f" "e"));
	s = text_escape_non_ascii("Gr\xc3\xbc\xc3\x9f" "e");   /* ü U+00FC, ß U+00DF */
	assert_string_equal(s, "Gr\\u00fc\\u00dfe");
	free(s);
	s = text_escape_non_ascii("\xe2\x82\xac 5");            /* € U+20AC */
	assert_string_equal(s, "\\u20ac 5");
	free(s);
	s = text_escape_non_ascii("\xf0\x9f\x98\x80");           /* U+1F600: five hex digits */
	assert_string_equal(s, "\\u1f600");
	free(s);
	s = text_escape_non_ascii("");
	assert_string_equal(s, "");
	free(s);
}

static void
test_word_wrap(void **state)
{
	char *s;

	(void)state;
	/* Width 10 keeps 9 columns: "the quick" fits exactly, the space after it breaks. */
	s = text_word_wrap("the quick brown fox", 10);
	assert_string_equal(s, "the quick\nbrown fox");
	free(s);
	/* "ab cd" is 5 columns: one too many for a width of 5. */
	s = text_word_wrap("ab cd", 5);
	assert_string_equal(s, "ab\ncd");
	free(s);
	s = text_word_wrap("ab cd", 6);
	assert_string_equal(s, "ab cd");
	free(s);
	/* A word longer than the line stays whole; the next space breaks. */
	s = text_word_wrap("abcdefghijkl mn", 5);
	assert_string_equal(s, "abcdefghijkl\nmn");
	free(s);
	/* Existing newlines start a new count. */
	s = text_word_wrap("ab\ncd ef", 4);
	assert_string_equal(s, "ab\ncd\nef");
	free(s);
	/* Wide characters count two columns: 日本 is 4 of the 4 a width of 5 keeps. */
	s = text_word_wrap("\xe6\x97\xa5\xe6\x9c\xac \xe8\xaa\x9e", 5);
	assert_string_equal(s, "\xe6\x97\xa5\xe6\x9c\xac\n\xe8\xaa\x9e");
	free(s);
	s = text_word_wrap("", 5);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(text_line_count(""), 1);
	assert_int_equal(text_line_count("a\nb"), 2);
	assert_int_equal(text_line_count("a\n"), 2);
}

static void
test_columns(void **state)
{
	(void)state;
	assert_int_equal(text_columns("abc"), 3);
	assert_int_equal(text_columns("\xe6\x97\xa5\xe6\x9c\xac"), 4);   /* 日本 */
	assert_int_equal(text_columns("\xc3\xa4" "b"), 2);                  /* äb */
	/* Not UTF-8: one column a byte. */
	assert_int_equal(text_columns("\xff\xfe"), 2);
}

static void
test_chunk(void **state)
{
	static const char nihongo[] = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";   /* 日本語 */

	(void)state;
	/* Width 4: three columns, the fourth is the continuation mark's. */
	assert_int_equal(text_chunk("abcdef", 6, 4), 3);
	assert_int_equal(text_chunk("ab", 2, 3), 2);
	assert_int_equal(text_chunk("", 0, 10), 0);
	/* 日本 (4 columns, 6 bytes) fits 5; 語 would make 6. */
	assert_int_equal(text_chunk(nihongo, 9, 6), 6);
	/* Nothing fits one column: one byte anyway, so drawing moves on. */
	assert_int_equal(text_chunk(nihongo, 9, 2), 1);
	/* A byte that is not a character is one column. */
	assert_int_equal(text_chunk("\xff" "ab", 3, 10), 3);
	assert_int_equal(text_chunk("\xff" "ab", 3, 3), 2);
}

static void
test_fit(void **state)
{
	char *s;

	(void)state;
	s = text_fit("abcdef", 4);
	assert_string_equal(s, "abcd");
	free(s);
	s = text_fit("ab", 4);
	assert_string_equal(s, "ab");
	free(s);
	s = text_fit("ab", 0);
	assert_string_equal(s, "");
	free(s);
	/* 日本語 in 5 columns: 日本 (4); half of 語 is not shown. */
	s = text_fit("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5);
	assert_string_equal(s, "\xe6\x97\xa5\xe6\x9c\xac");
	free(s);
	s = text_fit("\xc3\xa4" "bc", 2);   /* äb */
	assert_string_equal(s, "\xc3\xa4" "b");
	free(s);
}

static void
test_for_display(void **state)
{
	char a[] = "a\x01" "b\x7f\xc3\xa4";
	char b[] = "a\x01" "b\x7f\xc3\xa4";

	(void)state;
	text_for_display(a, true);
	assert_string_equal(a, "a?b?\xc3\xa4");
	text_for_display(b, false);
	assert_string_equal(b, "a?b???");
}

static void
test_format_bytes(void **state)
{
	char out[32];

	(void)state;
	text_format_bytes(out, sizeof out, 2048);
	assert_string_equal(out, "2 KiB");
	text_format_bytes(out, sizeof out, 1048575);   /* 1023.999 KiB, below a MiB */
	assert_string_equal(out, "1024 KiB");
	text_format_bytes(out, sizeof out, 1048576);
	assert_string_equal(out, "1.0 MiB");
	text_format_bytes(out, sizeof out, 1572864);
	assert_string_equal(out, "1.5 MiB");
}

static void
test_first_change(void **state)
{
	(void)state;
	assert_int_equal(text_first_change("  a\n  b\n- c\n+ d\n"), 2);
	assert_int_equal(text_first_change("+ x"), 0);
	assert_int_equal(text_first_change("  a\n  b\n"), -1);
	assert_int_equal(text_first_change("  a\n  b"), -1);
	assert_int_equal(text_first_change(""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_escape_non_ascii),
		cmocka_unit_test(test_word_wrap),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_chunk),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_for_display),
		cmocka_unit_test(test_format_bytes),
		cmocka_unit_test(test_first_change),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, utf8_locale, NULL);
}
