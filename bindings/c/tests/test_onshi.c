/*
 * C test of the onshi C ABI: every exported area, the size-query text protocol, and bad
 * input (NULLs, invalid UTF-8, wrong handles, out-of-range indexes, unknown enumeration
 * values) that must come back as a status, never a crash.
 *
 * Built by bindings/run-tests.sh with gcc (plain, under valgrind, with ASan + UBSan) and with
 * mingw-w64 for the Windows DLL under Wine. Prints "N passed, M failed"; exit 1 on failure.
 */
#define _POSIX_C_SOURCE 200809L
#include "onshi.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int passed, failed;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (cond) {                                                        \
            passed++;                                                      \
        } else {                                                           \
            failed++;                                                      \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                  \
    } while (0)

#define CHECK_STATUS(expr, want) CHECK((expr) == (want))
#define S(lit) (const uint8_t *)(lit), strlen(lit)

/* Size query, then fill: returns a malloc'd NUL-terminated copy, or NULL with *status set. */
static char *text_of_field(const onshi_qualification *q, onshi_field f, onshi_status *status) {
    size_t n = 0;
    onshi_status s = onshi_qualification_get_text(q, f, NULL, 0, &n);
    if (s != ONSHI_BUFFER_TOO_SMALL) {
        *status = s;
        return NULL;
    }
    char *buf = malloc(n + 1);
    size_t n2 = 0;
    s = onshi_qualification_get_text(q, f, buf, n + 1, &n2);
    *status = s;
    if (s != ONSHI_OK || n2 != n) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int field_is(const onshi_qualification *q, onshi_field f, const char *want) {
    onshi_status s;
    char *t = text_of_field(q, f, &s);
    int ok = t != NULL && strcmp(t, want) == 0;
    if (!ok) fprintf(stderr, "  field %u: got %s (status %u), want %s\n", f, t ? t : "(null)", s, want);
    free(t);
    return ok;
}

static int last_error_contains(const onshi_qualification *q, const char *needle) {
    char buf[512];
    size_t n = 0;
    if (onshi_qualification_last_error(q, buf, sizeof buf, &n) != ONSHI_OK) return 0;
    return strstr(buf, needle) != NULL;
}

static void test_version(void) {
    char buf[32];
    size_t n = 0;
    CHECK_STATUS(onshi_version(buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, ONSHI_VERSION_STRING) == 0);
    CHECK(n == strlen(ONSHI_VERSION_STRING));
    CHECK(onshi_version_number() == ONSHI_VERSION_NUMBER);
    CHECK(ONSHI_VERSION_NUMBER == ONSHI_VERSION_MAJOR * 1000000 + ONSHI_VERSION_MINOR * 1000 + ONSHI_VERSION_PATCH);
    CHECK(onshi_record_schema_version() == ONSHI_RECORD_SCHEMA_VERSION);
}

static void test_text_protocol_and_status(void) {
    size_t n = 12345;
    /* Size query: nothing copied, length reported. */
    CHECK_STATUS(onshi_status_name(ONSHI_NULL_PARAMETER, NULL, 0, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK(n == strlen("ONSHI_NULL_PARAMETER"));
    /* Exactly the length is too small (the NUL needs a byte); untouched buffer. */
    char small[20];
    memset(small, 'x', sizeof small);
    CHECK_STATUS(onshi_status_name(ONSHI_NULL_PARAMETER, small, 20, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK(small[0] == 'x');
    char buf[64];
    CHECK_STATUS(onshi_status_name(ONSHI_NULL_PARAMETER, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "ONSHI_NULL_PARAMETER") == 0);
    CHECK_STATUS(onshi_status_name(ONSHI_ID_CHECK_DIGIT, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "ONSHI_ID_CHECK_DIGIT") == 0);
    CHECK_STATUS(onshi_status_name(ONSHI_CARD_WRONG_PIN, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "ONSHI_CARD_WRONG_PIN") == 0 && ONSHI_CARD_WRONG_PIN == 506);
    CHECK_STATUS(onshi_status_name(4242, buf, sizeof buf, &n), ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_status_message(299, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "XML") != NULL);
    /* NULL out_len is refused; a NULL buffer with a capacity is a size query, as documented. */
    CHECK_STATUS(onshi_status_name(ONSHI_OK, buf, sizeof buf, NULL), ONSHI_NULL_PARAMETER);
    n = 0;
    CHECK_STATUS(onshi_status_name(ONSHI_OK, NULL, 10, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK(n == strlen("ONSHI_OK"));
    CHECK_STATUS(onshi_version(NULL, 0, NULL), ONSHI_NULL_PARAMETER);
    /* Statuses in both languages. */
    char ja[512];
    CHECK_STATUS(onshi_status_message_ja(ONSHI_ID_CHECK_DIGIT, ja, sizeof ja, &n), ONSHI_OK);
    CHECK(strstr(ja, "検証番号") != NULL);
    CHECK_STATUS(onshi_status_message_ja(ONSHI_TERMINAL_NOT_ANSWERING, ja, sizeof ja, &n), ONSHI_OK);
    CHECK(strstr(ja, "資格確認端末") != NULL);
    CHECK_STATUS(onshi_status_message_ja(4242, ja, sizeof ja, &n), ONSHI_OK);
    CHECK(n > 0);
    CHECK_STATUS(onshi_status_message(ONSHI_EMBEDDED_NUL, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "NUL") != NULL);
}

static void test_ids(void) {
    onshi_error *err = onshi_error_new();
    CHECK(err != NULL);
    CHECK(onshi_error_status(err) == ONSHI_OK);
    char buf[128];
    size_t n = 0;

    CHECK_STATUS(onshi_check_digit_verify(err, S("33120015")), ONSHI_OK);
    CHECK_STATUS(onshi_check_digit_verify(err, S("33120016")), ONSHI_ID_CHECK_DIGIT);
    CHECK(onshi_error_status(err) == ONSHI_ID_CHECK_DIGIT);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "expected 5") != NULL);
    /* A later success resets the error object. */
    CHECK_STATUS(onshi_check_digit_verify(err, S("１３８０５７")), ONSHI_OK);
    CHECK(onshi_error_status(err) == ONSHI_OK);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(n == 0 && buf[0] == '\0');
    /* NULL error object is accepted. */
    CHECK_STATUS(onshi_check_digit_verify(NULL, S("138058")), ONSHI_ID_CHECK_DIGIT);
    /* (NULL, 0) is an empty string: an empty identifier. */
    CHECK_STATUS(onshi_check_digit_verify(err, NULL, 0), ONSHI_ID_EMPTY);
    CHECK_STATUS(onshi_check_digit_verify(err, NULL, 5), ONSHI_NULL_PARAMETER);
    const uint8_t bad[] = {'1', 0xff, '3'};
    CHECK_STATUS(onshi_check_digit_verify(err, bad, sizeof bad), ONSHI_INVALID_UTF8);
    CHECK(onshi_error_status(err) == ONSHI_INVALID_UTF8);

    uint8_t digit = 99;
    CHECK_STATUS(onshi_check_digit_compute(S("13805"), &digit), ONSHI_OK);
    CHECK(digit == 7);
    digit = 99;
    CHECK_STATUS(onshi_check_digit_compute(S("13a05"), &digit), ONSHI_INVALID_VALUE);
    CHECK(digit == 99); /* out-parameter untouched on failure */
    CHECK_STATUS(onshi_check_digit_compute(S("13805"), NULL), ONSHI_NULL_PARAMETER);
    /* An empty body has no check digit (it used to come back as 0). */
    CHECK_STATUS(onshi_check_digit_compute(S(""), &digit), ONSHI_ID_EMPTY);
    CHECK_STATUS(onshi_check_digit_compute(NULL, 0, &digit), ONSHI_ID_EMPTY);
    CHECK(digit == 99);
    /* A NUL inside text input is refused, not cut short. */
    CHECK_STATUS(onshi_check_digit_verify(err, (const uint8_t *)"138057\0" "9", 8), ONSHI_EMBEDDED_NUL);
    CHECK(onshi_error_status(err) == ONSHI_EMBEDDED_NUL);
    /* 医療機関コード: the 検証番号 is verified in strict mode (the published example, then a typo). */
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE, ONSHI_MODE_STRICT, S("0110113719"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE, ONSHI_MODE_STRICT, S("0110113718"), buf, sizeof buf, &n), ONSHI_ID_CHECK_DIGIT);
    char staff[512];
    CHECK_STATUS(onshi_error_staff_message(err, staff, sizeof staff, &n), ONSHI_OK);
    CHECK(strstr(staff, "医療機関コードの検証番号") != NULL);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "expected 9") != NULL);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE, ONSHI_MODE_LENIENT, S("0110113718"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_check_digit_verify(err, S("0110113719")), ONSHI_OK);

    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, ONSHI_MODE_STRICT, S("  138057"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "138057") == 0);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, ONSHI_MODE_STRICT, S("138058"), buf, sizeof buf, &n), ONSHI_ID_CHECK_DIGIT);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, ONSHI_MODE_LENIENT, S("138058"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, ONSHI_MODE_LENIENT, S("13a057"), buf, sizeof buf, &n), ONSHI_ID_NOT_DIGIT);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "character 3") != NULL);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_BRANCH_NUMBER, ONSHI_MODE_STRICT, S("１"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "01") == 0);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_CARD_SYMBOL, ONSHI_MODE_STRICT, S("１２－３４"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "12-34") == 0);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_PUBLIC_EXPENSE_PAYER_NUMBER, ONSHI_MODE_STRICT, S("54016027"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_RECIPIENT_NUMBER, ONSHI_MODE_STRICT, S("1234566"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE, ONSHI_MODE_STRICT, S("131234567"), buf, sizeof buf, &n), ONSHI_ID_LENGTH);
    CHECK_STATUS(onshi_id_normalize(err, 99, ONSHI_MODE_STRICT, S("1"), buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, 7, S("138057"), buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);

    CHECK_STATUS(onshi_insurer_number_to_wire(err, ONSHI_MODE_STRICT, S("138057"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "  138057") == 0 && n == 8);
    uint32_t flags = 0xdead;
    CHECK_STATUS(onshi_insurer_number_flags(err, ONSHI_MODE_STRICT, S("138057"), &flags), ONSHI_OK);
    CHECK(flags == ONSHI_INSURER_NATIONAL_HEALTH_INSURANCE);
    CHECK_STATUS(onshi_insurer_number_flags(err, ONSHI_MODE_STRICT, S("39131156"), &flags), ONSHI_OK);
    CHECK(flags == ONSHI_INSURER_LATE_ELDERLY);
    flags = 0xdead;
    CHECK_STATUS(onshi_insurer_number_flags(err, ONSHI_MODE_STRICT, S("39131157"), &flags), ONSHI_ID_CHECK_DIGIT);
    CHECK(flags == 0xdead);

    /* A handle of the wrong type is rejected, not misread. */
    onshi_qualification *q = onshi_qualification_new();
    CHECK_STATUS(onshi_check_digit_verify((onshi_error *)q, S("138057")), ONSHI_INVALID_HANDLE);
    CHECK(onshi_error_status((const onshi_error *)q) == ONSHI_INVALID_HANDLE);
    CHECK(onshi_error_status(NULL) == ONSHI_NULL_PARAMETER);
    onshi_error_free((onshi_error *)q); /* wrong type: ignored */
    onshi_qualification_free(q);
    onshi_error_free(err);
    onshi_error_free(NULL);
}

static void test_codes(void) {
    char buf[128];
    size_t n = 0;
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY, S("4"), NULL, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "該当資格なし") == 0);
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION, S(" A1 "), NULL, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "医療扶助") == 0);
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_SEX, S("9"), NULL, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "不明なコード") == 0);
    bool known = true;
    CHECK_STATUS(onshi_code_is_known(ONSHI_CODE_TABLE_SEX, S("9"), &known), ONSHI_OK);
    CHECK(!known);
    CHECK_STATUS(onshi_code_is_known(ONSHI_CODE_TABLE_SEX, S("2"), &known), ONSHI_OK);
    CHECK(known);
    size_t count = 0;
    CHECK_STATUS(onshi_code_count(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, &count), ONSHI_OK);
    CHECK(count == 16);
    /* Every listed value is known and labelled. */
    for (size_t i = 0; i < count; i++) {
        CHECK_STATUS(onshi_code_wire_at(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, i, buf, sizeof buf, &n), ONSHI_OK);
        CHECK_STATUS(onshi_code_is_known(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, (const uint8_t *)buf, n, &known), ONSHI_OK);
        CHECK(known);
    }
    CHECK_STATUS(onshi_code_wire_at(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, count, buf, sizeof buf, &n), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_code_wire_at(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, (size_t)-1, buf, sizeof buf, &n), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_code_table_name(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "OQSCD006") == 0);
    CHECK_STATUS(onshi_code_count(0, &count), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_code_label(999, S("1"), NULL, buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);
    const uint8_t bad[] = {0xe3, 0x81};
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_SEX, bad, sizeof bad, NULL, buf, sizeof buf, &n), ONSHI_INVALID_UTF8);
    /* Labels as of the 資格確認日: 05 was relabelled on 2024-12-02; a day that does not exist
       is refused. */
    onshi_date before = {2024, 11, 30}, after = {2026, 10, 5}, never = {2026, 2, 30};
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION, S("05"), &before, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "被保険者資格証明書") == 0);
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION, S("05"), &after, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "特別療養費支給対象者") == 0);
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION, S("05"), &never, buf, sizeof buf, &n), ONSHI_INVALID_VALUE);
}

static void test_qualification_fields(void) {
    onshi_qualification *q = onshi_qualification_new();
    CHECK(q != NULL);
    onshi_status s;

    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, S("見本　花子")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_NAME, "見本　花子"));
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME_KANA, S("ﾐﾎﾝ ﾊﾅｺ")), ONSHI_OK);
    /* Identifiers are normalized; malformed ones fail with the library's code and message. */
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURER_NUMBER, S("　１３８０５７")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURER_NUMBER, "138057"));
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURER_NUMBER, S("12345")), ONSHI_ID_LENGTH);
    CHECK(last_error_contains(q, "保険者番号"));
    CHECK(field_is(q, ONSHI_FIELD_INSURER_NUMBER, "138057")); /* unchanged */
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURED_IDENTIFICATION_NUMBER, S("100")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURED_BRANCH_NUMBER, S("1")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURED_BRANCH_NUMBER, "01"));
    /* Codes keep unknown values. */
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_SEX1, S("2")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_SEX2, S("8")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_SEX2, "8"));

    /* Dates: typed and as text. */
    onshi_date d = {1980, 1, 31};
    CHECK_STATUS(onshi_qualification_set_date(q, ONSHI_FIELD_BIRTHDATE, &d), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_BIRTHDATE, "1980-01-31"));
    onshi_date back = {0, 0, 0};
    CHECK_STATUS(onshi_qualification_get_date(q, ONSHI_FIELD_BIRTHDATE, &back), ONSHI_OK);
    CHECK(back.year == 1980 && back.month == 1 && back.day == 31);
    onshi_date feb30 = {2024, 2, 30};
    CHECK_STATUS(onshi_qualification_set_date(q, ONSHI_FIELD_BIRTHDATE, &feb30), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_QUALIFICATION_DATE, S("2023-02-29")), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_QUALIFICATION_DATE, S("2024-04-01")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_date(q, ONSHI_FIELD_NAME, &d), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_qualification_set_date(q, ONSHI_FIELD_BIRTHDATE, NULL), ONSHI_NULL_PARAMETER);

    /* Date-times. */
    onshi_datetime t = {2024, 4, 1, 9, 30, 5};
    CHECK_STATUS(onshi_qualification_set_datetime(q, ONSHI_FIELD_LIMIT_CONSENT_TIME, &t), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_LIMIT_CONSENT_TIME, "2024-04-01T09:30:05"));
    onshi_datetime t2;
    memset(&t2, 0, sizeof t2);
    CHECK_STATUS(onshi_qualification_get_datetime(q, ONSHI_FIELD_LIMIT_CONSENT_TIME, &t2), ONSHI_OK);
    CHECK(t2.hour == 9 && t2.minute == 30 && t2.second == 5);
    onshi_datetime bad_t = {2024, 4, 1, 24, 0, 0};
    CHECK_STATUS(onshi_qualification_set_datetime(q, ONSHI_FIELD_LIMIT_CONSENT_TIME, &bad_t), ONSHI_INVALID_VALUE);

    /* Ratios: percent, or the wire text. Nested records are created on first write. */
    CHECK_STATUS(onshi_qualification_set_u32(q, ONSHI_FIELD_ELDERLY_RECIPIENT_CONTRIBUTION_RATIO, 20), ONSHI_OK);
    uint32_t pct = 0;
    CHECK_STATUS(onshi_qualification_get_u32(q, ONSHI_FIELD_ELDERLY_RECIPIENT_CONTRIBUTION_RATIO, &pct), ONSHI_OK);
    CHECK(pct == 20);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, S("030")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, "30"));
    CHECK_STATUS(onshi_qualification_set_u32(q, ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, 101), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_qualification_get_u32(q, ONSHI_FIELD_NAME, &pct), ONSHI_TYPE_MISMATCH);
    CHECK(last_error_contains(q, "accessor"));

    /* Absent values, clearing, unknown fields, list fields on the record. */
    pct = 77;
    CHECK_STATUS(onshi_qualification_get_u32(q, ONSHI_FIELD_LIMIT_CERTIFICATE_CLASSIFICATION_FLAG, &pct), ONSHI_TYPE_MISMATCH);
    char *absent = text_of_field(q, ONSHI_FIELD_ADDRESS, &s);
    CHECK(absent == NULL && s == ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_qualification_clear(q, ONSHI_FIELD_NAME_KANA), ONSHI_OK);
    absent = text_of_field(q, ONSHI_FIELD_NAME_KANA, &s);
    CHECK(absent == NULL && s == ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_qualification_clear(q, ONSHI_FIELD_ELDERLY_RECIPIENT_CONTRIBUTION_RATIO), ONSHI_OK);
    size_t n;
    char buf[256];
    CHECK_STATUS(onshi_qualification_get_text(q, 9999, buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_qualification_get_text(q, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, buf, sizeof buf, &n), ONSHI_TYPE_MISMATCH);
    /* Empty text: fine for a text field, invalid for a date. */
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURER_NAME, NULL, 0), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURER_NAME, ""));
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_QUALIFICATION_DATE, NULL, 0), ONSHI_INVALID_VALUE);
    const uint8_t bad[] = {0xc3, 0x28};
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, bad, sizeof bad), ONSHI_INVALID_UTF8);
    CHECK(field_is(q, ONSHI_FIELD_NAME, "見本　花子"));

    /* Facts. */
    bool yes = true;
    CHECK_STATUS(onshi_qualification_is_public_assistance(q, &yes), ONSHI_OK);
    CHECK(!yes);
    CHECK_STATUS(onshi_qualification_confirmable_by_card_number(q, &yes), ONSHI_OK);
    CHECK(yes);
    CHECK_STATUS(onshi_qualification_card_number_reason(q, buf, sizeof buf, &n), ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURED_CARD_CLASSIFICATION, S("A1")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_is_public_assistance(q, &yes), ONSHI_OK);
    CHECK(yes);
    CHECK_STATUS(onshi_qualification_card_number_reason(q, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "マイナンバーカード") != NULL);

    /* Field metadata. */
    onshi_value_type vt = 0;
    CHECK_STATUS(onshi_field_value_type(ONSHI_FIELD_BIRTHDATE, &vt), ONSHI_OK);
    CHECK(vt == ONSHI_VALUE_TYPE_DATE);
    onshi_code_table table = 0;
    CHECK_STATUS(onshi_field_code_table(ONSHI_FIELD_SEX1, &table), ONSHI_OK);
    CHECK(table == ONSHI_CODE_TABLE_SEX);
    CHECK_STATUS(onshi_field_code_table(ONSHI_FIELD_NAME, &table), ONSHI_NOT_PRESENT);
    onshi_list list = 99;
    CHECK_STATUS(onshi_field_list(ONSHI_FIELD_CONSENT_FLAG, &list), ONSHI_OK);
    CHECK(list == ONSHI_LIST_CONSENTS);
    CHECK_STATUS(onshi_field_name(ONSHI_FIELD_LIMIT_CERTIFICATE_VALID_END_DATE, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "limit_certificate.valid_end_date") == 0);
    CHECK_STATUS(onshi_field_value_type(0, &vt), ONSHI_INVALID_ARGUMENT);

    onshi_qualification_free(q);
}

static void test_lists(void) {
    onshi_qualification *q = onshi_qualification_new();
    size_t count = 99, idx = 99, n;
    char buf[256];

    CHECK_STATUS(onshi_qualification_count(q, ONSHI_LIST_SPECIFIC_DISEASES, &count), ONSHI_OK);
    CHECK(count == 0);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, buf, sizeof buf, &n), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_SPECIFIC_DISEASES, &idx), ONSHI_OK);
    CHECK(idx == 0);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, S("1")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_set_u32(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_SELF_PAY, 10000), ONSHI_OK);
    onshi_date start = {2024, 4, 1};
    CHECK_STATUS(onshi_qualification_item_set_date(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_VALID_START_DATE, &start), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_SPECIFIC_DISEASES, &idx), ONSHI_OK);
    CHECK(idx == 1);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 1, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, S("2")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_count(q, ONSHI_LIST_SPECIFIC_DISEASES, &count), ONSHI_OK);
    CHECK(count == 2);
    uint32_t yen = 0;
    CHECK_STATUS(onshi_qualification_item_get_u32(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_SELF_PAY, &yen), ONSHI_OK);
    CHECK(yen == 10000);
    onshi_date got;
    CHECK_STATUS(onshi_qualification_item_get_date(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_VALID_START_DATE, &got), ONSHI_OK);
    CHECK(got.year == 2024 && got.month == 4 && got.day == 1);
    /* A field of another list is a mismatch; a record field too. */
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_MEDICAL_TICKET_ISSUE_NUMBER, S("1")), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_NAME, S("x")), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_qualification_item_remove(q, ONSHI_LIST_SPECIFIC_DISEASES, 0), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "2") == 0);
    CHECK_STATUS(onshi_qualification_item_remove(q, ONSHI_LIST_SPECIFIC_DISEASES, 5), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_qualification_item_remove(q, ONSHI_LIST_SPECIFIC_DISEASES, (size_t)-1), ONSHI_OUT_OF_RANGE);

    /* Medical tickets: the numbered 傷病名 slots. */
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_MEDICAL_TICKETS, &idx), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_MEDICAL_TICKETS, idx, ONSHI_FIELD_MEDICAL_TICKET_INJURY_NAME_2, S("感冒")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_MEDICAL_TICKETS, idx, ONSHI_FIELD_MEDICAL_TICKET_INJURY_NAME_1, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(n == 0);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_MEDICAL_TICKETS, idx, ONSHI_FIELD_MEDICAL_TICKET_INJURY_NAME_3, buf, sizeof buf, &n), ONSHI_NOT_PRESENT);

    /* Consents: 10 fixed items. */
    CHECK_STATUS(onshi_qualification_count(q, ONSHI_LIST_CONSENTS, &count), ONSHI_OK);
    CHECK(count == 10);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_CONSENTS, 1, ONSHI_FIELD_CONSENT_KIND, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "PharmacistsInfo") == 0);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_CONSENTS, 1, ONSHI_FIELD_CONSENT_KIND, S("x")), ONSHI_READ_ONLY);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_CONSENTS, 1, ONSHI_FIELD_CONSENT_FLAG, S("1")), ONSHI_OK);
    onshi_datetime until = {2024, 4, 2, 12, 0, 0};
    CHECK_STATUS(onshi_qualification_item_set_datetime(q, ONSHI_LIST_CONSENTS, 1, ONSHI_FIELD_CONSENT_AVAILABLE_TIME, &until), ONSHI_OK);
    onshi_datetime now = {2024, 4, 2, 11, 59, 59}, later = {2024, 4, 2, 12, 0, 1};
    bool valid = false;
    CHECK_STATUS(onshi_qualification_consent_valid_at(q, 1, &now, &valid), ONSHI_OK);
    CHECK(valid);
    CHECK_STATUS(onshi_qualification_consent_valid_at(q, 1, &later, &valid), ONSHI_OK);
    CHECK(!valid);
    CHECK_STATUS(onshi_qualification_consent_valid_at(q, 10, &now, &valid), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_CONSENTS, &idx), ONSHI_READ_ONLY);
    CHECK_STATUS(onshi_qualification_item_remove(q, ONSHI_LIST_CONSENTS, 0), ONSHI_READ_ONLY);
    CHECK_STATUS(onshi_qualification_count(q, 42, &count), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_qualification_item_get_text(q, 42, 0, ONSHI_FIELD_CONSENT_FLAG, buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);

    onshi_qualification_free(q);
}

static char *to_json(const onshi_qualification *q) {
    size_t n = 0;
    if (onshi_qualification_to_json(q, NULL, 0, &n) != ONSHI_BUFFER_TOO_SMALL) return NULL;
    char *buf = malloc(n + 1);
    if (onshi_qualification_to_json(q, buf, n + 1, &n) != ONSHI_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void test_json_clone_equal(void) {
    onshi_qualification *q = onshi_qualification_new();
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, S("見本　太郎")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURER_NUMBER, S("06132013")), ONSHI_OK);
    size_t idx;
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_SPECIFIC_DISEASES, &idx), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, idx, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, S("3")), ONSHI_OK);

    char *json = to_json(q);
    CHECK(json != NULL && strstr(json, "\"insurer_number\":\"06132013\"") != NULL);

    onshi_error *err = onshi_error_new();
    onshi_qualification *r = NULL;
    CHECK_STATUS(onshi_qualification_from_json(err, (const uint8_t *)json, strlen(json), &r), ONSHI_OK);
    bool eq = false;
    CHECK_STATUS(onshi_qualification_equal(q, r, &eq), ONSHI_OK);
    CHECK(eq);
    onshi_qualification *c = NULL;
    CHECK_STATUS(onshi_qualification_clone(r, &c), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(c, ONSHI_FIELD_NAME, S("別人")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_equal(q, c, &eq), ONSHI_OK);
    CHECK(!eq);
    CHECK(field_is(r, ONSHI_FIELD_NAME, "見本　太郎")); /* the clone is independent */

    onshi_qualification *none = (onshi_qualification *)0x1;
    CHECK_STATUS(onshi_qualification_from_json(err, S("{\"birthdate\":\"1980-13-01\"}"), &none), ONSHI_JSON);
    CHECK(none == (onshi_qualification *)0x1);
    char msg[256];
    size_t n;
    CHECK_STATUS(onshi_error_message(err, msg, sizeof msg, &n), ONSHI_OK);
    CHECK(strstr(msg, "JSON") != NULL);
    CHECK_STATUS(onshi_qualification_from_json(err, S("[1,2"), &none), ONSHI_JSON);
    CHECK_STATUS(onshi_qualification_from_json(NULL, NULL, 0, &none), ONSHI_JSON);
    CHECK_STATUS(onshi_qualification_from_json(err, S("{}"), NULL), ONSHI_NULL_PARAMETER);
    /* {} is a valid, empty record. */
    onshi_qualification *empty = NULL;
    CHECK_STATUS(onshi_qualification_from_json(err, S("{}"), &empty), ONSHI_OK);
    onshi_qualification *fresh = onshi_qualification_new();
    CHECK_STATUS(onshi_qualification_equal(empty, fresh, &eq), ONSHI_OK);
    CHECK(eq);

    free(json);
    onshi_qualification_free(fresh);
    onshi_qualification_free(empty);
    onshi_qualification_free(c);
    onshi_qualification_free(r);
    onshi_qualification_free(q);
    onshi_error_free(err);
}

static void test_null_and_wrong_handles(void) {
    char buf[16];
    size_t n = 0;
    onshi_date d = {2024, 1, 1};
    bool b;
    CHECK_STATUS(onshi_qualification_get_text(NULL, ONSHI_FIELD_NAME, buf, sizeof buf, &n), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_set_text(NULL, ONSHI_FIELD_NAME, S("x")), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_set_date(NULL, ONSHI_FIELD_BIRTHDATE, &d), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_to_json(NULL, buf, sizeof buf, &n), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_last_error(NULL, buf, sizeof buf, &n), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_clone(NULL, NULL), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_equal(NULL, NULL, &b), ONSHI_NULL_PARAMETER);
    onshi_qualification_free(NULL);

    onshi_error *err = onshi_error_new();
    onshi_qualification *as_q = (onshi_qualification *)err;
    CHECK_STATUS(onshi_qualification_set_text(as_q, ONSHI_FIELD_NAME, S("x")), ONSHI_INVALID_HANDLE);
    CHECK_STATUS(onshi_qualification_get_text(as_q, ONSHI_FIELD_NAME, buf, sizeof buf, &n), ONSHI_INVALID_HANDLE);
    onshi_qualification_free(as_q); /* wrong type: ignored, err stays usable */
    CHECK(onshi_error_status(err) == ONSHI_OK);
    /* A misaligned pointer is rejected before it is read. */
    CHECK_STATUS(onshi_qualification_to_json((const onshi_qualification *)((char *)err + 1), buf, sizeof buf, &n), ONSHI_INVALID_HANDLE);
    onshi_error_free(err);

    /* The last error survives successes and is per handle. */
    onshi_qualification *q = onshi_qualification_new();
    CHECK_STATUS(onshi_qualification_last_error(q, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(n == 0);
    CHECK_STATUS(onshi_qualification_get_text(q, 12345, buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, S("x")), ONSHI_OK);
    CHECK(last_error_contains(q, "unknown field 12345"));
    /* A text too big for the buffer is not an error and keeps the last one. */
    CHECK_STATUS(onshi_qualification_to_json(q, buf, 2, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK(last_error_contains(q, "unknown field 12345"));
    onshi_qualification_free(q);
}

/* ---- phase 2: diff, history, choices, matching, card ---- */

static const char *REGISTERED =
    "{\"insurer_number\":\"06139990\",\"insured_identification_number\":\"456\","
    "\"insured_branch_number\":\"01\",\"name\":\"見本　太郎\",\"name_kana\":\"ﾐﾎﾝ ﾀﾛｳ\","
    "\"birthdate\":\"1950-05-05\",\"address\":\"東京都千代田区千代田1-1\","
    "\"insured_partial_contribution_ratio\":10}";

static onshi_qualification *record_from_json(const char *json) {
    onshi_qualification *q = NULL;
    onshi_status s = onshi_qualification_from_json(NULL, (const uint8_t *)json, strlen(json), &q);
    CHECK_STATUS(s, ONSHI_OK);
    return q;
}

/* The text of a diff item field, into buf (size 512). */
static onshi_status diff_item(const onshi_diff *d, size_t i, onshi_field f, char *buf) {
    size_t n = 0;
    return onshi_diff_item_get_text(d, ONSHI_LIST_DIFF_FIELDS, i, f, buf, 512, &n);
}

static void test_diff_and_history(void) {
    onshi_qualification *reg = record_from_json(REGISTERED);
    onshi_qualification *ret = NULL;
    CHECK_STATUS(onshi_qualification_clone(reg, &ret), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(ret, ONSHI_FIELD_ADDRESS, S("東京都千代田区千代田２－２")), ONSHI_OK);
    onshi_date day = {2025, 4, 10};
    onshi_datetime now = {2025, 4, 10, 9, 0, 0};
    onshi_error *err = onshi_error_new();
    onshi_diff *d = NULL;
    CHECK_STATUS(onshi_diff_compare(err, reg, ret, &day, ONSHI_QUERY_KIND_MY_NUMBER_CARD, 0, &d), ONSHI_OK);

    uint32_t verdict = 0;
    CHECK_STATUS(onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_VERDICT, &verdict), ONSHI_OK);
    CHECK(verdict == ONSHI_VERDICT_UPDATE_RECOMMENDED);
    char buf[512];
    size_t n = 0;
    CHECK_STATUS(onshi_diff_get_text(d, ONSHI_FIELD_DIFF_VERDICT_LABEL, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "反映を推奨") == 0);
    CHECK_STATUS(onshi_diff_get_text(d, ONSHI_FIELD_DIFF_CAUSE, buf, sizeof buf, &n), ONSHI_NOT_PRESENT);
    onshi_date ctx = {0, 0, 0};
    CHECK_STATUS(onshi_diff_get_date(d, ONSHI_FIELD_DIFF_CONFIRMATION_DATE, &ctx), ONSHI_OK);
    CHECK(ctx.year == 2025 && ctx.month == 4 && ctx.day == 10);

    size_t count = 0, address = (size_t)-1;
    CHECK_STATUS(onshi_diff_count(d, ONSHI_LIST_DIFF_FIELDS, &count), ONSHI_OK);
    for (size_t i = 0; i < count; i++) {
        uint32_t f = 0;
        CHECK_STATUS(onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, i, ONSHI_FIELD_DIFF_ITEM_FIELD, &f), ONSHI_OK);
        if (f == ONSHI_FIELD_ADDRESS) address = i;
    }
    CHECK(address < count);
    CHECK_STATUS(diff_item(d, address, ONSHI_FIELD_DIFF_ITEM_FIELD, buf), ONSHI_OK);
    CHECK(strcmp(buf, "address") == 0);
    CHECK_STATUS(diff_item(d, address, ONSHI_FIELD_DIFF_ITEM_LABEL, buf), ONSHI_OK);
    CHECK(strcmp(buf, "住所") == 0);
    uint32_t v = 0;
    CHECK_STATUS(onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, address, ONSHI_FIELD_DIFF_ITEM_CLASS, &v), ONSHI_OK);
    CHECK(v == ONSHI_DIFF_CLASS_DIFFERENT);
    CHECK_STATUS(onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, address, ONSHI_FIELD_DIFF_ITEM_ADVICE, &v), ONSHI_OK);
    CHECK(v == ONSHI_ADVICE_ADDRESS_CHANGED);
    CHECK_STATUS(onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, address, ONSHI_FIELD_DIFF_ITEM_ACTION, &v), ONSHI_OK);
    CHECK(v == ONSHI_ACTION_REFLECT);
    CHECK_STATUS(diff_item(d, address, ONSHI_FIELD_DIFF_ITEM_MESSAGE, buf), ONSHI_OK);
    CHECK(strstr(buf, "住所") != NULL);
    CHECK_STATUS(diff_item(d, address, ONSHI_FIELD_DIFF_ITEM_RETURNED, buf), ONSHI_OK);
    CHECK(strcmp(buf, "東京都千代田区千代田２－２") == 0);
    /* Bad input on the diff. */
    CHECK_STATUS(diff_item(d, count, ONSHI_FIELD_DIFF_ITEM_LABEL, buf), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(diff_item(d, address, ONSHI_FIELD_NAME, buf), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(diff_item(d, address, 99999, buf), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, address, ONSHI_FIELD_DIFF_ITEM_MESSAGE, &v), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_diff_count(d, 4242, &count), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_diff_compare(err, reg, ret, &day, 77, 0, &d), ONSHI_INVALID_ARGUMENT);
    onshi_date bad_day = {2025, 2, 30};
    onshi_diff *never = NULL;
    CHECK_STATUS(onshi_diff_compare(err, reg, ret, &bad_day, ONSHI_QUERY_KIND_RECORDS, 0, &never), ONSHI_INVALID_VALUE);
    CHECK(never == NULL);
    CHECK_STATUS(onshi_diff_compare(err, reg, (const onshi_qualification *)err, &day, ONSHI_QUERY_KIND_RECORDS, 0, &never), ONSHI_INVALID_HANDLE);
    CHECK_STATUS(onshi_diff_compare(err, NULL, ret, &day, ONSHI_QUERY_KIND_RECORDS, 0, &never), ONSHI_NULL_PARAMETER);

    /* Apply to the history. */
    onshi_history *h = NULL;
    onshi_date start = {2020, 4, 1};
    CHECK_STATUS(onshi_history_new(err, reg, &start, S("staff-1"), &now, &h), ONSHI_OK);
    /* A diff made outside the history cannot be applied: review the answer against it. */
    CHECK_STATUS(onshi_history_apply(h, d, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("staff-1"), &now, NULL),
                 ONSHI_HISTORY_STALE_REVIEW);
    onshi_diff *rv = NULL, *older = NULL;
    CHECK_STATUS(onshi_history_review_record(h, ret, S("OQSsiquc01res_0001.xml"), &day,
                                             ONSHI_QUERY_KIND_MY_NUMBER_CARD, 0, &rv), ONSHI_OK);
    CHECK_STATUS(onshi_history_review_record(h, ret, S("other"), &day, ONSHI_QUERY_KIND_MY_NUMBER_CARD, 0, &older),
                 ONSHI_OK);
    CHECK_STATUS(onshi_diff_get_u32(rv, ONSHI_FIELD_DIFF_VERDICT, &verdict), ONSHI_OK);
    CHECK(verdict == ONSHI_VERDICT_UPDATE_RECOMMENDED);
    size_t events = 99;
    CHECK_STATUS(onshi_history_apply(h, rv, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("staff-1"), &now, &events),
                 ONSHI_OK);
    CHECK(events == 2);
    CHECK_STATUS(onshi_history_apply(h, rv, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("staff-1"), &now, &events),
                 ONSHI_OK);
    CHECK(events == 0);
    onshi_qualification *cur = NULL;
    CHECK_STATUS(onshi_history_current(h, &cur), ONSHI_OK);
    CHECK(field_is(cur, ONSHI_FIELD_ADDRESS, "東京都千代田区千代田２－２"));
    onshi_qualification_free(cur);
    CHECK_STATUS(onshi_history_item_get_text(h, ONSHI_LIST_HISTORY_VERSIONS, 0, ONSHI_FIELD_VERSION_LINK_RESULT_ID,
                                             buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "OQSsiquc01res_0001.xml") == 0);
    CHECK_STATUS(onshi_history_item_get_u32(h, ONSHI_LIST_HISTORY_AUDIT, 1, ONSHI_FIELD_AUDIT_EVENT, &v), ONSHI_OK);
    CHECK(v == ONSHI_AUDIT_UPDATED);
    onshi_datetime at = {0, 0, 0, 0, 0, 0};
    CHECK_STATUS(onshi_history_item_get_datetime(h, ONSHI_LIST_HISTORY_AUDIT, 1, ONSHI_FIELD_AUDIT_AT, &at), ONSHI_OK);
    CHECK(at.year == 2025 && at.hour == 9);
    /* The review made before that application is stale now; the history keeps its last error. */
    CHECK_STATUS(onshi_history_apply(h, older, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("s"), &now, NULL),
                 ONSHI_HISTORY_STALE_REVIEW);
    CHECK_STATUS(onshi_history_last_error(h, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "review the answer again") != NULL);
    CHECK_STATUS(onshi_history_apply(h, rv, NULL, 9, S("s"), &now, NULL), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_history_apply(h, NULL, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("s"), &now, NULL),
                 ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_history_apply(h, rv, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("s"), NULL, NULL),
                 ONSHI_NULL_PARAMETER);
    const uint8_t bad_utf8[] = {0xe3, 0x81};
    onshi_diff *never_rv = NULL;
    CHECK_STATUS(onshi_history_review_record(h, ret, bad_utf8, 2, &day, ONSHI_QUERY_KIND_MY_NUMBER_CARD, 0, &never_rv),
                 ONSHI_INVALID_UTF8);
    CHECK(never_rv == NULL);
    onshi_diff_free(rv);
    onshi_diff_free(older);
    CHECK_STATUS(onshi_history_unlink(h, 1, S("staff-1"), &now), ONSHI_OK);
    CHECK_STATUS(onshi_history_unlink(h, 1, S("staff-1"), &now), ONSHI_HISTORY_NOT_LINKED);
    CHECK_STATUS(onshi_history_unlink(h, 7, S("staff-1"), &now), ONSHI_HISTORY_NO_SUCH_VERSION);
    onshi_date last = {2019, 1, 1};
    CHECK_STATUS(onshi_history_expire(h, 1, &last, S("staff-1"), &now), ONSHI_HISTORY_INVALID_END);

    /* JSON round trip. */
    size_t len = 0;
    CHECK_STATUS(onshi_history_to_json(h, NULL, 0, &len), ONSHI_BUFFER_TOO_SMALL);
    char *json = malloc(len + 1);
    CHECK_STATUS(onshi_history_to_json(h, json, len + 1, &len), ONSHI_OK);
    onshi_history *h2 = NULL;
    CHECK_STATUS(onshi_history_from_json(err, (const uint8_t *)json, len, &h2), ONSHI_OK);
    size_t count2 = 0;
    CHECK_STATUS(onshi_history_count(h2, ONSHI_LIST_HISTORY_AUDIT, &count2), ONSHI_OK);
    CHECK(count2 == 4);
    free(json);
    onshi_history_free(h2);
    CHECK_STATUS(onshi_history_from_json(err, S("{\"versions\": 5}"), &h2), ONSHI_JSON);

    /* A ratio change opens a new version; identity needs choices. */
    onshi_qualification *ret2 = NULL;
    CHECK_STATUS(onshi_qualification_clone(reg, &ret2), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_u32(ret2, ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, 20), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(ret2, ONSHI_FIELD_NAME, S("別人　次郎")), ONSHI_OK);
    onshi_history *h3 = NULL;
    CHECK_STATUS(onshi_history_new(NULL, reg, &start, NULL, 0, &now, &h3), ONSHI_OK);
    onshi_diff *d2 = NULL;
    CHECK_STATUS(onshi_history_review_record(h3, ret2, S("r2"), &day, ONSHI_QUERY_KIND_MY_NUMBER_CARD, 0, &d2), ONSHI_OK);
    CHECK_STATUS(onshi_diff_get_u32(d2, ONSHI_FIELD_DIFF_VERDICT, &verdict), ONSHI_OK);
    CHECK(verdict == ONSHI_VERDICT_VERIFY_IDENTITY);
    CHECK_STATUS(onshi_history_apply(h3, d2, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("s"), &now, NULL),
                 ONSHI_HISTORY_IDENTITY_NOT_VERIFIED);
    onshi_choices *c = onshi_choices_new();
    CHECK_STATUS(onshi_choices_set_identity_verified(c, true), ONSHI_OK);
    CHECK_STATUS(onshi_choices_set(c, ONSHI_FIELD_NAME, ONSHI_DECISION_KEEP), ONSHI_OK);
    CHECK_STATUS(onshi_choices_set(c, 0, ONSHI_DECISION_KEEP), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_choices_set_start_date(c, NULL), ONSHI_OK);
    CHECK_STATUS(onshi_history_apply(h3, d2, c, ONSHI_START_DATE_FIRST_OF_MONTH, S("s"), &now, &events),
                 ONSHI_OK);
    size_t versions = 0;
    CHECK_STATUS(onshi_history_count(h3, ONSHI_LIST_HISTORY_VERSIONS, &versions), ONSHI_OK);
    CHECK(versions == 2);
    onshi_date end = {0, 0, 0};
    CHECK_STATUS(onshi_history_item_get_date(h3, ONSHI_LIST_HISTORY_VERSIONS, 0, ONSHI_FIELD_VERSION_END, &end), ONSHI_OK);
    CHECK(end.year == 2025 && end.month == 3 && end.day == 31);
    CHECK_STATUS(onshi_history_item_get_date(h3, ONSHI_LIST_HISTORY_VERSIONS, 1, ONSHI_FIELD_VERSION_END, &end),
                 ONSHI_NOT_PRESENT);
    onshi_qualification *v2 = NULL;
    CHECK_STATUS(onshi_history_version_qualification(h3, 1, &v2), ONSHI_OK);
    CHECK(field_is(v2, ONSHI_FIELD_NAME, "見本　太郎"));
    onshi_qualification_free(v2);
    CHECK_STATUS(onshi_history_version_qualification(h3, 2, &v2), ONSHI_OUT_OF_RANGE);
    size_t idx = 9;
    onshi_date in_first = {2024, 1, 1};
    CHECK_STATUS(onshi_history_at(h3, &in_first, &idx), ONSHI_OK);
    CHECK(idx == 0);

    /* Wrong handle types are rejected. */
    CHECK_STATUS(onshi_history_apply((onshi_history *)d, d, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("s"), &now, NULL),
                 ONSHI_INVALID_HANDLE);
    CHECK_STATUS(onshi_history_apply(h3, (const onshi_diff *)h3, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("s"), &now, NULL),
                 ONSHI_INVALID_HANDLE);
    onshi_choices_free((onshi_choices *)h3); /* wrong type: ignored */

    onshi_choices_free(c);
    onshi_diff_free(d2);
    onshi_history_free(h3);
    onshi_qualification_free(ret2);
    onshi_history_free(h);
    onshi_diff_free(d);
    onshi_error_free(err);
    onshi_qualification_free(ret);
    onshi_qualification_free(reg);
}

static void test_matching_and_card(void) {
    onshi_matching *m = onshi_matching_new();
    size_t i = 0;
    CHECK_STATUS(onshi_matching_item_add(m, ONSHI_LIST_PATIENTS, &i), ONSHI_OK);
    CHECK_STATUS(onshi_matching_item_set_text(m, ONSHI_LIST_PATIENTS, i, ONSHI_FIELD_PATIENT_ID, S("000123")), ONSHI_OK);
    CHECK_STATUS(onshi_matching_item_set_text(m, ONSHI_LIST_PATIENTS, i, ONSHI_FIELD_PATIENT_NAME, S("見本　太郎")), ONSHI_OK);
    CHECK_STATUS(onshi_matching_item_set_text(m, ONSHI_LIST_PATIENTS, i, ONSHI_FIELD_PATIENT_BIRTHDATE, S("1950-05-05")), ONSHI_OK);
    CHECK_STATUS(onshi_matching_item_set_text(m, ONSHI_LIST_PATIENTS, i, ONSHI_FIELD_PATIENT_BIRTHDATE, S("1950-13-05")), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_matching_item_set_text(m, ONSHI_LIST_PATIENTS, 5, ONSHI_FIELD_PATIENT_ID, S("x")), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_matching_item_set_text(m, ONSHI_LIST_CANDIDATES, 0, ONSHI_FIELD_PATIENT_ID, S("x")), ONSHI_INVALID_ARGUMENT);
    onshi_qualification *result = record_from_json(REGISTERED);
    CHECK_STATUS(onshi_matching_add_qualification(m, 0, result), ONSHI_OK);
    onshi_candidates *c = NULL;
    CHECK_STATUS(onshi_matching_find(m, result, &c), ONSHI_OK);
    size_t n = 0;
    CHECK_STATUS(onshi_candidates_count(c, ONSHI_LIST_CANDIDATES, &n), ONSHI_OK);
    CHECK(n == 1);
    uint32_t flags = 0;
    CHECK_STATUS(onshi_candidates_item_get_u32(c, ONSHI_LIST_CANDIDATES, 0, ONSHI_FIELD_CANDIDATE_REASON_FLAGS, &flags), ONSHI_OK);
    CHECK((flags & ONSHI_MATCH_INSURANCE_CARD) && (flags & ONSHI_MATCH_BIRTHDATE));
    char buf[1024];
    size_t len = 0;
    CHECK_STATUS(onshi_candidates_item_get_text(c, ONSHI_LIST_CANDIDATES, 0, ONSHI_FIELD_CANDIDATE_PATIENT_ID, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(strcmp(buf, "000123") == 0);
    CHECK_STATUS(onshi_candidates_item_get_text(c, ONSHI_LIST_CANDIDATES, 1, ONSHI_FIELD_CANDIDATE_PATIENT_ID, buf, sizeof buf, &len), ONSHI_OUT_OF_RANGE);
    onshi_candidates_free(c);
    CHECK_STATUS(onshi_new_patient_draft_to_json(NULL, result, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(strstr(buf, "\"public_assistance\":false") != NULL);
    onshi_matching *m2 = NULL;
    CHECK_STATUS(onshi_matching_from_json(NULL, S("[{\"name\":\"no id\"}]"), &m2), ONSHI_JSON);
    CHECK(m2 == NULL);

    /* The virtual card. */
    onshi_card *card = NULL;
    onshi_error *err = onshi_error_new();
    CHECK_STATUS(onshi_card_open_virtual(err, NULL, 0, &card), ONSHI_OK);
    CHECK_STATUS(onshi_card_recognise(card), ONSHI_OK);
    uint32_t tries = 0;
    CHECK_STATUS(onshi_card_tries_left(card, &tries), ONSHI_OK);
    CHECK(tries == 3);
    onshi_basic_info *info = NULL;
    char pin[8] = "0000";
    CHECK_STATUS(onshi_card_read_basic_info(card, (const uint8_t *)pin, 4, false, &info), ONSHI_CARD_WRONG_PIN);
    CHECK(info == NULL);
    CHECK_STATUS(onshi_card_last_error(card, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(strstr(buf, "2 tries left") != NULL);
    {
        onshi_error *e = onshi_error_new();
        CHECK_STATUS(onshi_error_from_handle(e, card), ONSHI_OK);
        CHECK(onshi_error_status(e) == ONSHI_CARD_WRONG_PIN);
        CHECK_STATUS(onshi_error_staff_message(e, buf, sizeof buf, &len), ONSHI_OK);
        CHECK(strstr(buf, "残り 2 回") != NULL);
        onshi_error_free(e);
    }
    CHECK_STATUS(onshi_card_read_basic_info(card, (const uint8_t *)"12345", 5, false, &info), ONSHI_CARD_INVALID_PIN_FORMAT);
    CHECK_STATUS(onshi_card_read_basic_info(card, NULL, 4, false, &info), ONSHI_NULL_PARAMETER);
    memcpy(pin, "1234", 4);
    CHECK_STATUS(onshi_card_read_basic_info(card, (const uint8_t *)pin, 4, false, &info), ONSHI_OK);
    memset(pin, 0, sizeof pin); /* the caller wipes its own copy */
    CHECK_STATUS(onshi_basic_info_get_text(info, ONSHI_FIELD_BASIC_INFO_NAME, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(strcmp(buf, "検証　花子") == 0);
    uint32_t sex = 0;
    CHECK_STATUS(onshi_basic_info_get_u32(info, ONSHI_FIELD_BASIC_INFO_SEX, &sex), ONSHI_OK);
    CHECK(sex == ONSHI_CARD_SEX_FEMALE);
    onshi_date bd = {0, 0, 0};
    CHECK_STATUS(onshi_basic_info_get_date(info, ONSHI_FIELD_BASIC_INFO_BIRTHDATE, &bd), ONSHI_OK);
    CHECK(bd.year == 1985 && bd.month == 4 && bd.day == 1);
    CHECK_STATUS(onshi_basic_info_get_date(info, ONSHI_FIELD_BASIC_INFO_NAME, &bd), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_basic_info_to_json(info, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(strstr(buf, "\"birthdate\":\"1985-04-01\"") != NULL);
    CHECK_STATUS(onshi_matching_find_card(m, info, &c), ONSHI_OK);
    CHECK_STATUS(onshi_candidates_count(c, ONSHI_LIST_CANDIDATES, &n), ONSHI_OK);
    CHECK(n == 0); /* 検証　花子 is not a patient */
    onshi_candidates_free(c);
    onshi_basic_info_free(info);
    onshi_card_free(card);
    CHECK_STATUS(onshi_card_open_virtual(err, S("{\"tries_left\":0}"), &card), ONSHI_OK);
    CHECK_STATUS(onshi_card_tries_left(card, &tries), ONSHI_OK);
    CHECK(tries == 0);
    CHECK_STATUS(onshi_card_read_basic_info(card, S("1234"), true, &info), ONSHI_CARD_PIN_LOCKED);
    onshi_card_free(card);
    CHECK_STATUS(onshi_card_open_virtual(err, S("{\"pin\":1234}"), &card), ONSHI_JSON);
    /* PC/SC: a list or a card status, never a crash. */
    onshi_status s = onshi_card_list_readers(err, buf, sizeof buf, &len);
    CHECK(s == ONSHI_OK || (s >= 500 && s < 600) || s == ONSHI_NOT_SUPPORTED);

    onshi_error_free(err);
    onshi_qualification_free(result);
    onshi_matching_free(m);
}

/* ---- documents and the terminal: emulator -> query -> diff -> apply, face, bulk ---- */

static const char *P01 =
    "{\"insured_card_classification\":\"01\",\"insurer_number\":\"01130012\","
    "\"insured_card_symbol\":\"12-34\",\"insured_identification_number\":\"1001\","
    "\"insured_branch_number\":\"00\",\"personal_family_classification\":\"1\","
    "\"name\":\"見本　太郎\",\"name_kana\":\"ﾐﾎﾝ ﾀﾛｳ\",\"sex1\":\"1\",\"birthdate\":\"1980-04-01\","
    "\"address\":\"東京都見本区旧町\",\"qualification_date\":\"2020-04-01\"}";

static void test_documents(void) {
    const char *res =
        "<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate>"
        "<ReferenceClassification>2</ReferenceClassification></MessageHeader><MessageBody><ResultList>"
        "<ResultOfQualificationConfirmation><Name>見本　花子</Name><InsurerNumber>  138057</InsurerNumber>"
        "</ResultOfQualificationConfirmation></ResultList><ProcessingResultStatus>1</ProcessingResultStatus>"
        "<QualificationValidity>1</QualificationValidity></MessageBody></XmlMsg>";
    onshi_error *err = onshi_error_new();
    onshi_document *d = NULL;
    CHECK_STATUS(onshi_document_parse(err, S(res), NULL, &d), ONSHI_OK);
    uint32_t v = 0;
    CHECK_STATUS(onshi_document_get_u32(d, ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE, &v), ONSHI_OK);
    CHECK(v == ONSHI_MESSAGE_TYPE_QUALIFICATION_RESPONSE);
    onshi_date day = {0, 0, 0};
    CHECK_STATUS(onshi_document_get_date(d, ONSHI_FIELD_DOCUMENT_HEADER_QUALIFICATION_CONFIRMATION_DATE, &day), ONSHI_OK);
    CHECK(day.year == 2025 && day.month == 4 && day.day == 1);
    size_t n = 0;
    CHECK_STATUS(onshi_document_count(d, ONSHI_LIST_DOCUMENT_RESULTS, &n), ONSHI_OK);
    CHECK(n == 1);
    onshi_qualification *q = NULL;
    CHECK_STATUS(onshi_document_result_at(d, 0, &q), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURER_NUMBER, "138057"));
    onshi_qualification_free(q);
    CHECK_STATUS(onshi_document_result_at(d, 1, &q), ONSHI_OUT_OF_RANGE);
    /* Write in Shift_JIS: size query, then fill; read it back. */
    size_t len = 0;
    CHECK_STATUS(onshi_document_write(d, ONSHI_ENCODING_SHIFT_JIS, NULL, 0, &len), ONSHI_BUFFER_TOO_SMALL);
    uint8_t *bytes = malloc(len);
    size_t len2 = 0;
    CHECK_STATUS(onshi_document_write(d, ONSHI_ENCODING_SHIFT_JIS, bytes, len - 1, &len2), ONSHI_BUFFER_TOO_SMALL);
    CHECK_STATUS(onshi_document_write(d, ONSHI_ENCODING_SHIFT_JIS, bytes, len, &len2), ONSHI_OK);
    CHECK(len2 == len && memcmp(bytes, "<?xml", 5) == 0);
    onshi_document *back = NULL;
    CHECK_STATUS(onshi_document_parse(err, bytes, len, NULL, &back), ONSHI_OK);
    CHECK_STATUS(onshi_document_get_u32(back, ONSHI_FIELD_DOCUMENT_ENCODING, &v), ONSHI_OK);
    CHECK(v == ONSHI_ENCODING_SHIFT_JIS);
    onshi_document_free(back);
    free(bytes);
    CHECK_STATUS(onshi_document_write(d, 0, NULL, 0, &len), ONSHI_INVALID_ARGUMENT);
    /* An odd value keeps the answer: kept as received, with a warning that says where. */
    const char *odd =
        "<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate>"
        "</MessageHeader><MessageBody><ResultList><ResultOfQualificationConfirmation><Name>見本　花子</Name>\n"
        "<InsuredCardExpirationDate>99999999</InsuredCardExpirationDate>"
        "</ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>";
    onshi_document *od = NULL;
    CHECK_STATUS(onshi_document_parse(err, S(odd), NULL, &od), ONSHI_OK);
    CHECK_STATUS(onshi_document_count(od, ONSHI_LIST_DOCUMENT_WARNINGS, &n), ONSHI_OK);
    CHECK(n == 1);
    CHECK_STATUS(onshi_document_item_get_u32(od, ONSHI_LIST_DOCUMENT_WARNINGS, 0, ONSHI_FIELD_DOCUMENT_WARNING_KIND, &v), ONSHI_OK);
    CHECK(v == ONSHI_WARNING_INVALID_VALUE);
    CHECK_STATUS(onshi_document_item_get_u32(od, ONSHI_LIST_DOCUMENT_WARNINGS, 0, ONSHI_FIELD_DOCUMENT_WARNING_LINE, &v), ONSHI_OK);
    CHECK(v == 2);
    char wbuf[256];
    size_t wn = 0;
    CHECK_STATUS(onshi_document_item_get_text(od, ONSHI_LIST_DOCUMENT_WARNINGS, 0, ONSHI_FIELD_DOCUMENT_WARNING_PATH, wbuf, sizeof wbuf, &wn), ONSHI_OK);
    CHECK(strcmp(wbuf, "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/InsuredCardExpirationDate") == 0);
    CHECK_STATUS(onshi_document_item_get_text(od, ONSHI_LIST_DOCUMENT_WARNINGS, 0, ONSHI_FIELD_DOCUMENT_WARNING_VALUE, wbuf, sizeof wbuf, &wn), ONSHI_OK);
    CHECK(strcmp(wbuf, "99999999") == 0);
    CHECK_STATUS(onshi_document_item_get_text(od, ONSHI_LIST_DOCUMENT_WARNINGS, 1, ONSHI_FIELD_DOCUMENT_WARNING_VALUE, wbuf, sizeof wbuf, &wn), ONSHI_OUT_OF_RANGE);
    size_t idx = 0;
    CHECK_STATUS(onshi_document_item_add(od, ONSHI_LIST_DOCUMENT_WARNINGS, &idx), ONSHI_READ_ONLY);
    onshi_document_free(od);
    /* Bad files: typed statuses with a location; nothing written. */
    onshi_document *none = NULL;
    CHECK_STATUS(onshi_document_parse(err, S("<XmlMsg><MessageHeader>"), NULL, &none), ONSHI_XML_SYNTAX);
    CHECK_STATUS(onshi_document_parse(err, S("<!DOCTYPE a><XmlMsg/>"), NULL, &none), ONSHI_XML_FORBIDDEN);
    CHECK_STATUS(onshi_document_parse(err, S("<Other/>"), NULL, &none), ONSHI_XML_UNEXPECTED_ROOT);
    onshi_limits small = {8, 0};
    CHECK_STATUS(onshi_document_parse(err, S(res), &small, &none), ONSHI_XML_TOO_LARGE);
    CHECK_STATUS(onshi_document_parse(err, NULL, 5, NULL, &none), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_document_parse_file(err, S("no/such/file.xml"), NULL, &none), ONSHI_IO);
    CHECK(none == NULL);
    CHECK_STATUS(onshi_document_new(99, &none), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_document_set_text(d, ONSHI_FIELD_DOCUMENT_RECEPTION_NUMBER, S("R1")), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_document_item_get_text(d, ONSHI_LIST_DOCUMENT_RESULTS, 0, ONSHI_FIELD_NAME, NULL, 0, &len),
                 ONSHI_TYPE_MISMATCH);
    onshi_file_name_info info;
    CHECK_STATUS(onshi_file_name_parse(err, S("OQSsiquc01res_face_131000000312345678400000000000000000001_20250401103000.xml"), &info), ONSHI_OK);
    CHECK(info.family == ONSHI_FAMILY_INDIVIDUAL && info.is_face == 1);
    CHECK_STATUS(onshi_file_name_parse(err, S("C:\\x\\OQSsiquc01req_1.xml"), &info), ONSHI_XML_FILE_NAME_UNSAFE);
    onshi_document_free(d);
    onshi_error_free(err);
}

static atomic_int face_calls;

static onshi_face_ack on_face(void *userdata, const onshi_document *doc, onshi_status status) {
    atomic_int *calls = userdata;
    char name[256];
    size_t n = 0;
    if (doc != NULL && status == ONSHI_OK &&
        onshi_document_get_text(doc, ONSHI_FIELD_DOCUMENT_FILE_NAME, name, sizeof name, &n) == ONSHI_OK &&
        strncmp(name, "OQSsiquc01res_face_", 19) == 0) {
        atomic_fetch_add(calls, 1);
    }
    return ONSHI_FACE_ACK; /* processed: never delivered again */
}

#ifdef _WIN32
#include <windows.h>
static void sleep_ms(unsigned ms) { Sleep(ms); }
#else
#include <time.h>
static void sleep_ms(unsigned ms) {
    struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}
#endif

static void test_terminal(const char *root) {
    onshi_error *err = onshi_error_new();
    onshi_client *c = NULL;
    CHECK_STATUS(onshi_client_open(err, (const uint8_t *)root, strlen(root), NULL, 0, &c), ONSHI_TERMINAL_MISSING_FOLDER);
    CHECK(c == NULL);
    onshi_emulator *emu = NULL;
    CHECK_STATUS(onshi_emulator_start(err, (const uint8_t *)root, strlen(root), NULL, 0, 0, ONSHI_ENCODING_UTF8, &emu), ONSHI_OK);
    CHECK_STATUS(onshi_client_open(err, (const uint8_t *)root, strlen(root), S("{\"medical_institution_code\":\"1310000003\"}"), &c), ONSHI_OK);

    onshi_qualification *reg = record_from_json(P01);
    onshi_date day = {2025, 4, 10};
    onshi_datetime now = {2025, 4, 10, 9, 0, 0};
    onshi_document *req = NULL;
    CHECK_STATUS(onshi_document_new_individual_request(err, S("1310000003"), reg, &day, S("visit-1"), true, &req), ONSHI_OK);
    CHECK_STATUS(onshi_document_new_individual_request(err, S("131000000"), reg, &day, NULL, 0, true, &req), ONSHI_ID_LENGTH);
    onshi_ticket *t = NULL;
    CHECK_STATUS(onshi_client_submit(c, NULL, req, 0, &t), ONSHI_OK);
    char buf[1024];
    size_t n = 0;
    CHECK_STATUS(onshi_ticket_to_json(t, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "OQSsiquc01req_") != NULL);
    onshi_document *res = NULL;
    CHECK_STATUS(onshi_client_wait(c, NULL, t, 20000, NULL, &res), ONSHI_OK);
    onshi_history *h = NULL;
    onshi_date start = {2020, 4, 1};
    CHECK_STATUS(onshi_history_new(err, reg, &start, S("staff-1"), &now, &h), ONSHI_OK);
    onshi_diff *d = NULL;
    CHECK_STATUS(onshi_history_review(h, res, SIZE_MAX, S("res-1"), NULL, 0, 0, &d), ONSHI_OK);
    uint32_t verdict = 0;
    CHECK_STATUS(onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_VERDICT, &verdict), ONSHI_OK);
    CHECK(verdict == ONSHI_VERDICT_UPDATE_RECOMMENDED);
    CHECK_STATUS(onshi_history_review(h, res, 0, S("res-1"), NULL, 0, 0, &d), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_history_apply(h, d, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("staff-1"), &now, NULL), ONSHI_OK);
    onshi_qualification *cur = NULL;
    CHECK_STATUS(onshi_history_current(h, &cur), ONSHI_OK);
    CHECK(field_is(cur, ONSHI_FIELD_ADDRESS, "東京都見本区見本町一丁目１番１号"));
    onshi_qualification_free(cur);

    /* Face results by poll, then by callback (userdata first). */
    CHECK_STATUS(onshi_emulator_push_face(emu, S("P14")), ONSHI_OK);
    onshi_document *face = NULL;
    CHECK_STATUS(onshi_client_next_face(c, NULL, 20000, NULL, &face), ONSHI_OK);
    CHECK_STATUS(onshi_document_get_text(face, ONSHI_FIELD_DOCUMENT_FILE_NAME, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strncmp(buf, "OQSsiquc01res_face_", 19) == 0);
    onshi_document_free(face);
    CHECK_STATUS(onshi_client_next_face(c, NULL, 0, NULL, &face), ONSHI_NOT_PRESENT);
    /* Processed: acknowledged by its file name (released, it would come again). */
    CHECK_STATUS(onshi_client_release_face(c, NULL, (const uint8_t *)buf, n), ONSHI_OK);
    CHECK_STATUS(onshi_client_next_face(c, NULL, 20000, NULL, &face), ONSHI_OK);
    onshi_document_free(face);
    CHECK_STATUS(onshi_client_ack_face(c, NULL, (const uint8_t *)buf, n), ONSHI_OK);
    CHECK_STATUS(onshi_client_ack_face(c, NULL, S("../x")), ONSHI_TERMINAL_INVALID_REQUEST);
    CHECK_STATUS(onshi_client_on_face(c, NULL, NULL), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_client_on_face(c, on_face, &face_calls), ONSHI_OK);
    CHECK_STATUS(onshi_emulator_push_face(emu, S("P14")), ONSHI_OK);
    for (int i = 0; i < 1000 && atomic_load(&face_calls) == 0; i++) sleep_ms(20);
    CHECK_STATUS(onshi_client_stop_face(c), ONSHI_OK);
    CHECK(atomic_load(&face_calls) == 1);
    CHECK_STATUS(onshi_emulator_push_face(emu, S("nobody")), ONSHI_TERMINAL_DATASET);

    /* Bulk with one search block. */
    onshi_document *up = NULL;
    CHECK_STATUS(onshi_document_new(ONSHI_MESSAGE_TYPE_QUALIFICATION_REQUEST, &up), ONSHI_OK);
    CHECK_STATUS(onshi_document_set_date(up, ONSHI_FIELD_DOCUMENT_HEADER_QUALIFICATION_CONFIRMATION_DATE, &day), ONSHI_OK);
    size_t i = 0;
    CHECK_STATUS(onshi_document_item_add(up, ONSHI_LIST_DOCUMENT_QUERIES, &i), ONSHI_OK);
    CHECK_STATUS(onshi_document_item_set_text(up, ONSHI_LIST_DOCUMENT_QUERIES, i, ONSHI_FIELD_QUERY_INSURER_NUMBER, S("01130012")), ONSHI_OK);
    CHECK_STATUS(onshi_document_item_set_text(up, ONSHI_LIST_DOCUMENT_QUERIES, i, ONSHI_FIELD_QUERY_INSURED_IDENTIFICATION_NUMBER, S("1001")), ONSHI_OK);
    CHECK_STATUS(onshi_document_item_set_text(up, ONSHI_LIST_DOCUMENT_QUERIES, i, ONSHI_FIELD_QUERY_BIRTHDATE, S("1980-04-01")), ONSHI_OK);
    CHECK_STATUS(onshi_document_item_set_text(up, ONSHI_LIST_DOCUMENT_QUERIES, 5, ONSHI_FIELD_QUERY_BIRTHDATE, S("1980-04-01")), ONSHI_OUT_OF_RANGE);
    onshi_bulk_options bo = {20000, 20000, 50, 200};
    onshi_document *bulk = NULL;
    CHECK_STATUS(onshi_client_bulk(c, NULL, ONSHI_FAMILY_BULK_QUALIFICATION, up, &bo, NULL, &bulk), ONSHI_OK);
    size_t units = 0;
    CHECK_STATUS(onshi_document_count(bulk, ONSHI_LIST_DOCUMENT_UNITS, &units), ONSHI_OK);
    CHECK(units == 1);
    onshi_qualification *u0 = NULL;
    CHECK_STATUS(onshi_document_unit_result_at(bulk, 0, 0, &u0), ONSHI_OK);
    CHECK(field_is(u0, ONSHI_FIELD_NAME, "見本　太郎"));
    onshi_qualification_free(u0);
    onshi_document_free(bulk);
    onshi_document_free(up);

    CHECK_STATUS(onshi_client_doctor(c, NULL, 0, &n), ONSHI_BUFFER_TOO_SMALL);
    char *report = malloc(n + 1);
    CHECK_STATUS(onshi_client_doctor(c, report, n + 1, &n), ONSHI_OK);
    CHECK(strstr(report, "\"checks\"") != NULL);
    free(report);

    /* A silent terminal: a typed timeout; the message holds the guidance for staff. */
    CHECK_STATUS(onshi_emulator_set_behaviour(emu, ONSHI_BEHAVIOUR_SILENT), ONSHI_OK);
    onshi_document *never = NULL;
    CHECK_STATUS(onshi_client_query(c, NULL, req, 0, 200, NULL, &never), ONSHI_TERMINAL_NOT_ANSWERING);
    CHECK(never == NULL);
    onshi_emulator_stats st;
    CHECK_STATUS(onshi_emulator_get_stats(emu, &st), ONSHI_OK);
    CHECK(st.faces == 2 && st.answered >= 3);
    CHECK_STATUS(onshi_emulator_stop(emu), ONSHI_OK);
    CHECK_STATUS(onshi_emulator_push_face(emu, S("P14")), ONSHI_TERMINAL_EMULATOR_STOPPED);
    /* Wrong handle types. */
    CHECK_STATUS(onshi_client_submit((const onshi_client *)emu, NULL, req, 0, &t), ONSHI_INVALID_HANDLE);
    CHECK_STATUS(onshi_client_wait(c, NULL, (const onshi_ticket *)req, 10, NULL, &res), ONSHI_INVALID_HANDLE);

    onshi_history_free(h);
    onshi_diff_free(d);
    onshi_document_free(res);
    onshi_ticket_free(t);
    onshi_document_free(req);
    onshi_qualification_free(reg);
    onshi_client_free(c);
    onshi_emulator_free(emu);
    onshi_error_free(err);
}

/* The terminal's local time now (JST), as the emulator dates consents. */
static onshi_datetime now_jst(void) {
    time_t t = time(NULL) + 9 * 3600;
    struct tm *g = gmtime(&t);
    onshi_datetime d = {g->tm_year + 1900, (uint32_t)g->tm_mon + 1, (uint32_t)g->tm_mday,
                        (uint32_t)g->tm_hour, (uint32_t)g->tm_min, (uint32_t)g->tm_sec};
    return d;
}

/* Queries a card; gives the first result with its consents (NULL on failure). */
static onshi_qualification *query_patient(onshi_client *c, onshi_error *err, const char *card_json) {
    onshi_qualification *card = record_from_json(card_json);
    onshi_datetime now = now_jst();
    onshi_date day = {now.year, now.month, now.day};
    onshi_document *req = NULL, *res = NULL;
    onshi_qualification *q = NULL;
    CHECK_STATUS(onshi_document_new_individual_request(err, S("1310000003"), card, &day, NULL, 0, true, &req), ONSHI_OK);
    CHECK_STATUS(onshi_client_query(c, NULL, req, 0, 20000, NULL, &res), ONSHI_OK);
    CHECK_STATUS(onshi_document_result_at(res, 0, &q), ONSHI_OK);
    onshi_document_free(res);
    onshi_document_free(req);
    onshi_qualification_free(card);
    return q;
}

/* Seed row 9: 薬剤情報 / 特定健診情報 only for patients who consented. */
static void test_consent_gated_documents(const char *root) {
    onshi_error *err = onshi_error_new();
    onshi_emulator *emu = NULL;
    onshi_client *c = NULL;
    CHECK_STATUS(onshi_emulator_start(err, (const uint8_t *)root, strlen(root), NULL, 0, 0, ONSHI_ENCODING_UTF8, &emu), ONSHI_OK);
    CHECK_STATUS(onshi_client_open(err, (const uint8_t *)root, strlen(root), S("{\"medical_institution_code\":\"1310000003\"}"), &c), ONSHI_OK);
    onshi_datetime now = now_jst();

    onshi_qualification *yes = query_patient(c, err,
        "{\"insurer_number\":\"138057\",\"insured_card_symbol\":\"見01\",\"insured_identification_number\":\"3022\","
        "\"insured_branch_number\":\"00\",\"birthdate\":\"1958-03-21\"}");
    onshi_document *doc = NULL;
    CHECK_STATUS(onshi_client_document(c, NULL, ONSHI_DOCUMENT_KIND_DRUG_INFO, yes, NULL, 0, &now, 20000, NULL, &doc), ONSHI_OK);
    uint32_t ty = 0;
    CHECK_STATUS(onshi_document_get_u32(doc, ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE, &ty), ONSHI_OK);
    CHECK(ty == ONSHI_MESSAGE_TYPE_DOCUMENT_RESPONSE);
    size_t n = 0;
    CHECK_STATUS(onshi_document_write(doc, ONSHI_ENCODING_UTF8, NULL, 0, &n), ONSHI_BUFFER_TOO_SMALL);
    uint8_t *xml = malloc(n + 1);
    CHECK_STATUS(onshi_document_write(doc, ONSHI_ENCODING_UTF8, xml, n, &n), ONSHI_OK);
    xml[n] = 0;
    CHECK(strstr((const char *)xml, "見本ロキソプロフェン錠６０ｍｇ") != NULL);
    free(xml);
    onshi_document_free(doc);
    doc = NULL;
    CHECK_STATUS(onshi_client_document(c, NULL, ONSHI_DOCUMENT_KIND_CHECKUP, yes, S("{\"file_category\":\"1\"}"), &now, 20000, NULL, &doc), ONSHI_NOT_SUPPORTED);
    CHECK_STATUS(onshi_client_document(c, NULL, 0, yes, NULL, 0, &now, 20000, NULL, &doc), ONSHI_INVALID_ARGUMENT);
    CHECK(doc == NULL);

    /* 同意期限切れ: the not-consented status, its Japanese message, nothing taken. */
    onshi_qualification *old = query_patient(c, err,
        "{\"insurer_number\":\"01130012\",\"insured_card_symbol\":\"12-34\",\"insured_identification_number\":\"1023\","
        "\"insured_branch_number\":\"00\",\"birthdate\":\"1962-11-11\"}");
    onshi_emulator_stats before, after;
    CHECK_STATUS(onshi_emulator_get_stats(emu, &before), ONSHI_OK);
    CHECK_STATUS(onshi_client_document(c, NULL, ONSHI_DOCUMENT_KIND_DRUG_INFO, old, NULL, 0, &now, 20000, NULL, &doc), ONSHI_TERMINAL_NOT_CONSENTED);
    CHECK(doc == NULL);
    char buf[1024];
    onshi_error *call = onshi_error_new();
    CHECK_STATUS(onshi_client_document(c, call, ONSHI_DOCUMENT_KIND_DRUG_INFO, old, NULL, 0, &now, 20000, NULL, &doc), ONSHI_TERMINAL_NOT_CONSENTED);
    CHECK(onshi_error_status(call) == ONSHI_TERMINAL_NOT_CONSENTED);
    CHECK_STATUS(onshi_error_staff_message(call, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strncmp(buf, "情報の提供は同意されていません", strlen("情報の提供は同意されていません")) == 0);
    CHECK_STATUS(onshi_error_message(call, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "consent") != NULL);
    onshi_error_free(call);
    sleep_ms(100);
    CHECK_STATUS(onshi_emulator_get_stats(emu, &after), ONSHI_OK);
    CHECK(after.taken == before.taken);

    onshi_qualification_free(old);
    onshi_qualification_free(yes);
    onshi_client_free(c);
    onshi_emulator_free(emu);
    onshi_error_free(err);
}

#ifndef _WIN32
/* Test-only stand-in for a vendor's module: the emulator "encrypts" with the base64 program,
 * this decodes it (never a real scheme). */
static int b64v(int ch) {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
}

static onshi_status decode_b64(void *userdata, onshi_cipher_stage stage, const uint8_t *name, size_t name_len,
                               const uint8_t *in, size_t len, onshi_cipher_output *out) {
    (void)name;
    (void)name_len;
    atomic_fetch_add((atomic_int *)userdata, 1);
    if (stage == ONSHI_CIPHER_ENCRYPT) return onshi_cipher_output_write(out, in, len); /* requests plain */
    uint8_t *buf = malloc(len + 1);
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64v(in[i]);
        if (v < 0) continue;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[k++] = (uint8_t)((acc >> bits) & 0xff);
        }
    }
    onshi_status s = onshi_cipher_output_write(out, buf, k);
    free(buf);
    return s;
}

static onshi_status refuse(void *userdata, onshi_cipher_stage stage, const uint8_t *name, size_t name_len,
                           const uint8_t *in, size_t len, onshi_cipher_output *out) {
    (void)userdata, (void)stage, (void)name, (void)name_len, (void)in, (void)len, (void)out;
    return ONSHI_INVALID_ARGUMENT;
}

/* A module that "succeeds" with bytes that are not XML (a wrong key). */
static onshi_status garbage(void *userdata, onshi_cipher_stage stage, const uint8_t *name, size_t name_len,
                            const uint8_t *in, size_t len, onshi_cipher_output *out) {
    (void)userdata, (void)name, (void)name_len;
    if (stage == ONSHI_CIPHER_ENCRYPT) return onshi_cipher_output_write(out, in, len);
    static const uint8_t junk[] = {0x8f, 0x01, 0x00, 0x42};
    return onshi_cipher_output_write(out, junk, sizeof junk);
}

/* A module that hangs until the test releases it (userdata[0] = 1; userdata[1] counts the
 * calls that returned), at most 10 s. */
static onshi_status hang(void *userdata, onshi_cipher_stage stage, const uint8_t *name, size_t name_len,
                         const uint8_t *in, size_t len, onshi_cipher_output *out) {
    (void)stage, (void)name, (void)name_len, (void)in, (void)len, (void)out;
    atomic_int *flags = userdata;
    for (int i = 0; i < 1000 && atomic_load(&flags[0]) == 0; i++) sleep_ms(10);
    atomic_fetch_add(&flags[1], 1);
    return ONSHI_OK;
}
#endif

/* A terminal of 2026: encrypted files (callback), files in face/ that are not face results,
 * the newer families, content that is not XML. */
static void test_terminal_2026(const char *root) {
    onshi_error *err = onshi_error_new();
    char buf[4096];
    size_t n = 0;
    onshi_file_name_info info;
    CHECK_STATUS(onshi_file_name_parse(NULL, S("OQSsihvd01res_1.xml"), &info), ONSHI_OK);
    CHECK(info.family == ONSHI_FAMILY_CONSENT_REVOCATION);
    CHECK_STATUS(onshi_file_name_parse(NULL, S("OQSsiurl01res_1.png"), &info), ONSHI_OK);
    CHECK(info.family == ONSHI_FAMILY_ACCESS_URL && info.extension == 5);
    CHECK_STATUS(onshi_file_name_parse(NULL, S("publicmedicalhub_1.xml"), &info), ONSHI_OK);
    CHECK(info.family == ONSHI_FAMILY_PUBLIC_MEDICAL_HUB);
    CHECK_STATUS(onshi_file_name_parse(NULL, S("OQSsiquc01res_face_auto_20260929160112.xml"), &info), ONSHI_OK);
    CHECK(info.is_face == 1);
    onshi_document *doc = NULL;
    CHECK_STATUS(onshi_document_parse(err, S("\x8f\x01 ciphertext"), NULL, &doc), ONSHI_XML_ENCRYPTED);
    CHECK(doc == NULL);
    CHECK_STATUS(onshi_error_staff_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "encrypt.conf") != NULL);
#ifndef _WIN32
    onshi_emulator *emu = NULL;
    CHECK_STATUS(onshi_emulator_start_with_options(err, (const uint8_t *)root, strlen(root), NULL, 0,
                                                   S("{\"encrypt_command\":[\"base64\"]}"), &emu),
                 ONSHI_OK);
    onshi_client *c = NULL;
    CHECK_STATUS(onshi_client_open(err, (const uint8_t *)root, strlen(root),
                                   S("{\"medical_institution_code\":\"1310000003\",\"settle_timeout_ms\":500}"), &c),
                 ONSHI_OK);
    onshi_qualification *reg = record_from_json(P01);
    onshi_date day = {2025, 4, 10};
    onshi_document *req = NULL, *res = NULL;
    CHECK_STATUS(onshi_document_new_individual_request(err, S("1310000003"), reg, &day, NULL, 0, true, &req), ONSHI_OK);
    /* No module: the staff text names the setting and the prefix. */
    CHECK_STATUS(onshi_client_query(c, err, req, 0, 20000, NULL, &res), ONSHI_TERMINAL_ENCRYPTED);
    CHECK_STATUS(onshi_error_staff_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "encrypt.conf") != NULL && strstr(buf, "OQSsiquc") != NULL);
    /* A module that fails: typed. */
    CHECK_STATUS(onshi_client_set_cipher(c, refuse, NULL), ONSHI_OK);
    CHECK_STATUS(onshi_client_query(c, NULL, req, 0, 20000, NULL, &res), ONSHI_TERMINAL_HOOK_FAILED);
    /* A module that answers bytes that are not XML: typed, not a parse error. */
    CHECK_STATUS(onshi_client_set_cipher(c, garbage, NULL), ONSHI_OK);
    CHECK_STATUS(onshi_client_query(c, err, req, 0, 20000, NULL, &res), ONSHI_TERMINAL_HOOK_FAILED);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "not XML") != NULL);
    /* A module that hangs: the call ends at the hook timeout (500 ms here), typed. */
    onshi_client *quick = NULL;
    CHECK_STATUS(onshi_client_open(err, (const uint8_t *)root, strlen(root),
                                   S("{\"medical_institution_code\":\"1310000003\",\"hook_timeout_ms\":500}"), &quick),
                 ONSHI_OK);
    atomic_int hung[2] = {0, 0};
    CHECK_STATUS(onshi_client_set_cipher(quick, hang, hung), ONSHI_OK);
    time_t started = time(NULL);
    CHECK_STATUS(onshi_client_query(quick, err, req, 0, 20000, NULL, &res), ONSHI_TERMINAL_HOOK_FAILED);
    CHECK(time(NULL) - started < 5);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "did not answer") != NULL);
    /* Released, it returns into the library, which no longer waits for it. */
    atomic_store(&hung[0], 1);
    for (int i = 0; i < 1000 && atomic_load(&hung[1]) == 0; i++) sleep_ms(10);
    CHECK(atomic_load(&hung[1]) == 1);
    onshi_client_free(quick);
    /* The module that works. */
    atomic_int calls = 0;
    CHECK_STATUS(onshi_client_set_cipher(c, decode_b64, &calls), ONSHI_OK);
    CHECK_STATUS(onshi_client_query(c, NULL, req, 0, 20000, NULL, &res), ONSHI_OK);
    CHECK(atomic_load(&calls) >= 2); /* the request (left plain) and the answer */
    onshi_qualification *q = NULL;
    CHECK_STATUS(onshi_document_result_at(res, 0, &q), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_NAME, "見本　太郎"));
    onshi_qualification_free(q);
    onshi_document_free(res);
    CHECK_STATUS(onshi_client_set_cipher(c, NULL, NULL), ONSHI_OK);
    /* A file in face/ that is not a face result: reported once. */
    char path[512];
    snprintf(path, sizeof path, "%s/face/notes.txt", root);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("memo", f);
        fclose(f);
    }
    onshi_document *face = NULL;
    CHECK_STATUS(onshi_client_next_face(c, NULL, 0, NULL, &face), ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_client_skipped_faces(c, NULL, 0, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK_STATUS(onshi_client_skipped_faces(c, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "notes.txt") != NULL);
    CHECK_STATUS(onshi_client_skipped_faces(c, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "[]") == 0);
    onshi_document_free(req);
    onshi_qualification_free(reg);
    onshi_client_free(c);
    onshi_emulator_free(emu);
#else
    (void)root;
#endif
    onshi_error_free(err);
}

/* 公費 (PMH): a 公費 has the same diff and history as the qualification; no PMH data is
 * unknown, never 失効. Against the emulator's PMH persons: P60 (data sent, 上限額 1万円 → 2万円
 * from the second answer), P62 (a city not on PMH: nothing sent). */
static char *pe_text(const onshi_public_expense *p, onshi_field f) {
    size_t n = 0;
    if (onshi_public_expense_get_text(p, f, NULL, 0, &n) != ONSHI_BUFFER_TOO_SMALL) return NULL;
    char *buf = malloc(n + 1);
    if (onshi_public_expense_get_text(p, f, buf, n + 1, &n) != ONSHI_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int pe_field_is(const onshi_public_expense *p, onshi_field f, const char *want) {
    char *t = pe_text(p, f);
    int ok = t != NULL && strcmp(t, want) == 0;
    if (!ok) fprintf(stderr, "  公費 field %u: got %s, want %s\n", f, t ? t : "(null)", want);
    free(t);
    return ok;
}

static onshi_document *query_card(onshi_client *c, onshi_error *err, const char *card_json, const onshi_date *day) {
    onshi_qualification *card = record_from_json(card_json);
    onshi_document *req = NULL, *res = NULL;
    CHECK_STATUS(onshi_document_new_individual_request(err, S("1310000003"), card, day, NULL, 0, true, &req), ONSHI_OK);
    CHECK_STATUS(onshi_client_query(c, NULL, req, 0, 20000, NULL, &res), ONSHI_OK);
    onshi_document_free(req);
    onshi_qualification_free(card);
    return res;
}

static void test_public_expense(const char *root) {
    onshi_error *err = onshi_error_new();
    onshi_emulator *emu = NULL;
    onshi_client *c = NULL;
    CHECK_STATUS(onshi_emulator_start(err, (const uint8_t *)root, strlen(root), NULL, 0, 0, ONSHI_ENCODING_SHIFT_JIS, &emu), ONSHI_OK);
    CHECK_STATUS(onshi_client_open(err, (const uint8_t *)root, strlen(root), S("{\"medical_institution_code\":\"1310000003\"}"), &c), ONSHI_OK);
    onshi_datetime now = now_jst();
    onshi_date today = {now.year, now.month, now.day};
    char buf[2048];
    size_t n = 0;

    /* The record on its own: numbers, amounts, lists as JSON, bad input as statuses. */
    onshi_public_expense *paper = onshi_public_expense_new();
    CHECK(paper != NULL);
    CHECK_STATUS(onshi_public_expense_set_text(paper, ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER, S("５４１３８０１１")), ONSHI_OK);
    CHECK(pe_field_is(paper, ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER, "54138011"));
    CHECK_STATUS(onshi_public_expense_set_text(paper, ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER, S("5413801")), ONSHI_ID_LENGTH);
    CHECK_STATUS(onshi_public_expense_set_text(paper, ONSHI_FIELD_PUBLIC_EXPENSE_RECIPIENT_NUMBER, S("0000000000000000000000000000001")), ONSHI_ID_TOO_LONG);
    CHECK_STATUS(onshi_public_expense_set_text(paper, ONSHI_FIELD_PUBLIC_EXPENSE_RECIPIENT_NUMBER, S("2001238")), ONSHI_OK);
    CHECK_STATUS(onshi_public_expense_set_u32(paper, ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT, 5000), ONSHI_OK);
    CHECK_STATUS(onshi_public_expense_set_text(paper, ONSHI_FIELD_PUBLIC_EXPENSE_SOURCE, S("paper")), ONSHI_OK);
    onshi_date from = {2025, 10, 1}, to = {2026, 9, 30};
    CHECK_STATUS(onshi_public_expense_set_date(paper, ONSHI_FIELD_PUBLIC_EXPENSE_VALID_FROM, &from), ONSHI_OK);
    CHECK_STATUS(onshi_public_expense_set_date(paper, ONSHI_FIELD_PUBLIC_EXPENSE_VALID_TO, &to), ONSHI_OK);
    CHECK_STATUS(onshi_public_expense_set_text(paper, ONSHI_FIELD_PUBLIC_EXPENSE_CERTIFICATE_ITEMS, S("[{\"name\":\"疾病名\",\"value\":\"見本病\"}]")), ONSHI_OK);
    CHECK_STATUS(onshi_public_expense_set_text(paper, ONSHI_FIELD_PUBLIC_EXPENSE_CERTIFICATE_ITEMS, S("[1]")), ONSHI_JSON);
    CHECK_STATUS(onshi_public_expense_get_date(paper, ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER, &from), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_public_expense_get_text(paper, ONSHI_FIELD_NAME, buf, sizeof buf, &n), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_public_expense_get_text(paper, ONSHI_FIELD_PUBLIC_EXPENSE_HISTORY_KEY, buf, sizeof buf, &n), ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_public_expense_programme_label(paper, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "指定難病（特定医療費）") == 0);
    bool valid = false;
    onshi_date later = {2026, 10, 1};
    CHECK_STATUS(onshi_public_expense_valid_on(paper, &later, &valid), ONSHI_OK);
    CHECK(!valid);
    uint32_t list = 99;
    CHECK_STATUS(onshi_field_list(ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER, &list), ONSHI_OK);
    CHECK(list == ONSHI_LIST_PUBLIC_EXPENSES);
    CHECK_STATUS(onshi_public_expense_to_json(paper, buf, sizeof buf, &n), ONSHI_OK);
    onshi_public_expense *copy = NULL;
    CHECK_STATUS(onshi_public_expense_from_json(err, (const uint8_t *)buf, n, &copy), ONSHI_OK);
    bool eq = false;
    CHECK_STATUS(onshi_public_expense_equal(paper, copy, &eq), ONSHI_OK);
    CHECK(eq);
    onshi_public_expense_free(copy);
    CHECK_STATUS(onshi_public_expense_from_json(err, S("{\"payer_number\":\"1\"}"), &copy), ONSHI_JSON);
    /* A handle of another type is refused without being read. */
    CHECK_STATUS(onshi_public_expense_get_text((const onshi_public_expense *)emu, ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER, buf, sizeof buf, &n), ONSHI_INVALID_HANDLE);

    /* P60 at the reader: PMH sent two 公費 with the 資格情報. */
    CHECK_STATUS(onshi_emulator_push_face(emu, S("P60")), ONSHI_OK);
    onshi_document *face = NULL;
    CHECK_STATUS(onshi_client_next_face(c, NULL, 20000, NULL, &face), ONSHI_OK);
    CHECK_STATUS(onshi_document_get_text(face, ONSHI_FIELD_DOCUMENT_FILE_NAME, buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_client_ack_face(c, NULL, (const uint8_t *)buf, n), ONSHI_OK);
    onshi_qualification *fq = NULL;
    CHECK_STATUS(onshi_document_result_at(face, 0, &fq), ONSHI_OK);
    size_t count = 0;
    CHECK_STATUS(onshi_qualification_count(fq, ONSHI_LIST_PUBLIC_EXPENSES, &count), ONSHI_OK);
    CHECK(count == 2);
    uint32_t cap = 0;
    CHECK_STATUS(onshi_qualification_item_get_u32(fq, ONSHI_LIST_PUBLIC_EXPENSES, 0, ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT, &cap), ONSHI_OK);
    CHECK(cap == 10000);
    onshi_public_expense *sent = NULL;
    CHECK_STATUS(onshi_qualification_public_expense_at(fq, 1, &sent), ONSHI_OK);
    CHECK(pe_field_is(sent, ONSHI_FIELD_PUBLIC_EXPENSE_RECIPIENT_NUMBER, "HT-0000123456789"));
    onshi_public_expense_free(sent);
    CHECK_STATUS(onshi_qualification_public_expense_at(fq, 2, &sent), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_qualification_public_expense_at(fq, 0, &sent), ONSHI_OK);
    onshi_history *h = NULL;
    onshi_date start = {2026, 4, 1};
    CHECK_STATUS(onshi_history_from_result_public_expense(err, sent, &start, (const uint8_t *)buf, n, &today, S("staff-1"), &now, &h), ONSHI_OK);
    uint32_t kind = 0;
    CHECK_STATUS(onshi_history_kind(h, &kind), ONSHI_OK);
    CHECK(kind == ONSHI_KIND_PUBLIC_EXPENSE);
    onshi_public_expense *cur = NULL;
    CHECK_STATUS(onshi_history_current_public_expense(h, &cur), ONSHI_OK);
    CHECK(pe_field_is(cur, ONSHI_FIELD_PUBLIC_EXPENSE_SOURCE, "pmh"));
    onshi_public_expense_free(cur);
    onshi_qualification *wrong = NULL;
    CHECK_STATUS(onshi_history_current(h, &wrong), ONSHI_HISTORY_WRONG_KIND);

    /* Next visit: 上限額 1万円 → 2万円, a new version (same advice and message scheme). */
    const char *p60 = "{\"insurer_number\":\"01130012\",\"insured_card_symbol\":\"60\",\"insured_identification_number\":\"6001\","
                      "\"insured_branch_number\":\"00\",\"birthdate\":\"1975-06-01\"}";
    onshi_document *res = query_card(c, err, p60, &today);
    onshi_diff *d = NULL;
    CHECK_STATUS(onshi_history_review(h, res, SIZE_MAX, S("visit-2"), NULL, 0, 0, &d), ONSHI_OK);
    uint32_t v = 0;
    CHECK_STATUS(onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_VERDICT, &v), ONSHI_OK);
    CHECK(v == ONSHI_VERDICT_NEW_QUALIFICATION);
    CHECK_STATUS(onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_RECORD_KIND, &v), ONSHI_OK);
    CHECK(v == ONSHI_KIND_PUBLIC_EXPENSE);
    size_t items = 0;
    int saw_cap = 0;
    CHECK_STATUS(onshi_diff_count(d, ONSHI_LIST_DIFF_FIELDS, &items), ONSHI_OK);
    for (size_t i = 0; i < items; i++) {
        uint32_t f = 0, advice = 0;
        onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, i, ONSHI_FIELD_DIFF_ITEM_FIELD, &f);
        if (f != ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT) continue;
        onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, i, ONSHI_FIELD_DIFF_ITEM_ADVICE, &advice);
        CHECK(advice == ONSHI_ADVICE_CAP_CHANGED);
        CHECK_STATUS(onshi_diff_item_get_text(d, ONSHI_LIST_DIFF_FIELDS, i, ONSHI_FIELD_DIFF_ITEM_RETURNED, buf, sizeof buf, &n), ONSHI_OK);
        CHECK(strcmp(buf, "20000円") == 0);
        saw_cap = 1;
    }
    CHECK(saw_cap);
    onshi_qualification *q_of_pe = NULL;
    CHECK_STATUS(onshi_diff_returned(d, &q_of_pe), ONSHI_TYPE_MISMATCH);
    onshi_public_expense *ret = NULL;
    CHECK_STATUS(onshi_diff_returned_public_expense(d, &ret), ONSHI_OK);
    onshi_public_expense_free(ret);
    /* Choices of the qualification do not fit a 公費 history. */
    onshi_choices *ch = onshi_choices_new();
    CHECK_STATUS(onshi_choices_set(ch, ONSHI_FIELD_ADDRESS, ONSHI_DECISION_KEEP), ONSHI_OK);
    CHECK_STATUS(onshi_history_apply(h, d, ch, ONSHI_START_DATE_FIRST_OF_MONTH, S("staff-1"), &now, NULL), ONSHI_HISTORY_WRONG_KIND);
    CHECK_STATUS(onshi_choices_clear(ch, ONSHI_FIELD_ADDRESS), ONSHI_OK);
    CHECK_STATUS(onshi_choices_set(ch, ONSHI_FIELD_PUBLIC_EXPENSE_VALID_TO, ONSHI_DECISION_KEEP), ONSHI_OK);
    CHECK_STATUS(onshi_choices_set(ch, 9999, ONSHI_DECISION_KEEP), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_choices_to_json(ch, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "\"valid_to\":\"keep\"") != NULL);
    size_t events = 0;
    CHECK_STATUS(onshi_history_apply(h, d, ch, ONSHI_START_DATE_FIRST_OF_MONTH, S("staff-1"), &now, &events), ONSHI_OK);
    CHECK(events == 3);
    CHECK_STATUS(onshi_history_count(h, ONSHI_LIST_HISTORY_VERSIONS, &count), ONSHI_OK);
    CHECK(count == 2);
    CHECK_STATUS(onshi_history_item_get_u32(h, ONSHI_LIST_HISTORY_VERSIONS, 0, ONSHI_FIELD_VERSION_STATE, &v), ONSHI_OK);
    CHECK(v == ONSHI_STATE_SUPERSEDED);
    CHECK_STATUS(onshi_history_item_get_text(h, ONSHI_LIST_HISTORY_AUDIT, 2, ONSHI_FIELD_AUDIT_FIELDS, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "max_copayment_amount") != NULL);
    CHECK_STATUS(onshi_history_current_public_expense(h, &cur), ONSHI_OK);
    CHECK(pe_field_is(cur, ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT, "20000"));
    onshi_public_expense_free(cur);
    /* Unlink keeps the data. */
    uint32_t id2 = 0;
    CHECK_STATUS(onshi_history_item_get_u32(h, ONSHI_LIST_HISTORY_VERSIONS, 1, ONSHI_FIELD_VERSION_ID, &id2), ONSHI_OK);
    CHECK_STATUS(onshi_history_unlink(h, id2, S("staff-1"), &now), ONSHI_OK);
    CHECK_STATUS(onshi_history_version_public_expense(h, 1, &cur), ONSHI_OK);
    CHECK(pe_field_is(cur, ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT, "20000"));
    onshi_public_expense_free(cur);
    /* The history as JSON comes back as a 公費 history. */
    CHECK_STATUS(onshi_history_to_json(h, NULL, 0, &n), ONSHI_BUFFER_TOO_SMALL);
    char *json = malloc(n + 1);
    CHECK_STATUS(onshi_history_to_json(h, json, n + 1, &n), ONSHI_OK);
    onshi_history *h2 = NULL;
    CHECK_STATUS(onshi_history_from_json(err, (const uint8_t *)json, n, &h2), ONSHI_OK);
    CHECK_STATUS(onshi_history_kind(h2, &kind), ONSHI_OK);
    CHECK(kind == ONSHI_KIND_PUBLIC_EXPENSE);
    free(json);
    onshi_history_free(h2);
    onshi_choices_free(ch);
    onshi_diff_free(d);
    onshi_document_free(res);

    /* P62: a city not on PMH. The paper 受給者証 is registered by hand; the answer carries no
     * 公費: unknown, never 失効, nothing applied, the paper 受給者証 asked for. */
    onshi_history *hp = NULL;
    CHECK_STATUS(onshi_history_new_public_expense(err, paper, &from, S("staff-1"), &now, &hp), ONSHI_OK);
    const char *p62 = "{\"insurer_number\":\"01130012\",\"insured_card_symbol\":\"60\",\"insured_identification_number\":\"6003\","
                      "\"insured_branch_number\":\"00\",\"birthdate\":\"1959-03-03\"}";
    res = query_card(c, err, p62, &today);
    CHECK_STATUS(onshi_history_review(hp, res, SIZE_MAX, S("visit-p62"), NULL, 0, 0, &d), ONSHI_OK);
    CHECK_STATUS(onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_VERDICT, &v), ONSHI_OK);
    CHECK(v == ONSHI_VERDICT_UNKNOWN);
    CHECK_STATUS(onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_CAUSE, &v), ONSHI_OK);
    CHECK(v == ONSHI_CAUSE_NO_PMH_DATA);
    CHECK_STATUS(onshi_diff_item_get_text(d, ONSHI_LIST_DIFF_NOTICES, 0, ONSHI_FIELD_DIFF_NOTICE_MESSAGE, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "紙の受給者証を確認してください") != NULL);
    CHECK_STATUS(onshi_diff_returned_public_expense(d, &ret), ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_history_apply(hp, d, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("staff-1"), &now, NULL), ONSHI_HISTORY_UNKNOWN);
    CHECK_STATUS(onshi_history_last_error(hp, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "not expired") != NULL);
    CHECK_STATUS(onshi_history_count(hp, ONSHI_LIST_HISTORY_VERSIONS, &count), ONSHI_OK);
    CHECK(count == 1);
    CHECK_STATUS(onshi_history_item_get_u32(hp, ONSHI_LIST_HISTORY_VERSIONS, 0, ONSHI_FIELD_VERSION_STATE, &v), ONSHI_OK);
    CHECK(v == ONSHI_STATE_CURRENT);
    /* A 公費 diff does not apply to a qualification history, nor the reverse. */
    onshi_history *hq = NULL;
    CHECK_STATUS(onshi_history_new(err, fq, &start, S("staff-1"), &now, &hq), ONSHI_OK);
    CHECK_STATUS(onshi_history_apply(hq, d, NULL, ONSHI_START_DATE_FIRST_OF_MONTH, S("staff-1"), &now, NULL), ONSHI_HISTORY_WRONG_KIND);
    CHECK_STATUS(onshi_history_review_public_expense_record(hq, paper, S("x"), &today, ONSHI_QUERY_KIND_RECORDS, &d), ONSHI_HISTORY_WRONG_KIND);

    /* Matching by the 公費 numbers PMH sent. */
    onshi_matching *m = onshi_matching_new();
    size_t at = 0;
    CHECK_STATUS(onshi_matching_item_add(m, ONSHI_LIST_PATIENTS, &at), ONSHI_OK);
    CHECK_STATUS(onshi_matching_item_set_text(m, ONSHI_LIST_PATIENTS, at, ONSHI_FIELD_PATIENT_ID, S("K-6001")), ONSHI_OK);
    CHECK_STATUS(onshi_matching_add_public_expense(m, at, sent), ONSHI_OK);
    CHECK_STATUS(onshi_matching_item_get_u32(m, ONSHI_LIST_PATIENTS, at, ONSHI_FIELD_PATIENT_PUBLIC_EXPENSE_COUNT, &v), ONSHI_OK);
    CHECK(v == 1);
    onshi_candidates *found = NULL;
    CHECK_STATUS(onshi_matching_find(m, fq, &found), ONSHI_OK);
    size_t nfound = 0;
    CHECK_STATUS(onshi_candidates_count(found, ONSHI_LIST_CANDIDATES, &nfound), ONSHI_OK);
    CHECK(nfound == 1);
    uint32_t flags = 0;
    CHECK_STATUS(onshi_candidates_item_get_u32(found, ONSHI_LIST_CANDIDATES, 0, ONSHI_FIELD_CANDIDATE_REASON_FLAGS, &flags), ONSHI_OK);
    CHECK((flags & ONSHI_MATCH_PUBLIC_EXPENSE) != 0);
    onshi_candidates_free(found);
    onshi_matching_free(m);

    onshi_diff_free(d);
    onshi_document_free(res);
    onshi_history_free(hq);
    onshi_history_free(hp);
    onshi_history_free(h);
    onshi_public_expense_free(sent);
    onshi_qualification_free(fq);
    onshi_document_free(face);
    onshi_public_expense_free(paper);
    CHECK_STATUS(onshi_emulator_stop(emu), ONSHI_OK);
    onshi_client_free(c);
    onshi_emulator_free(emu);
    onshi_error_free(err);
}

/* ---- issue 12: presentation, the month's マイナ保険証 利用率, card kinds that cannot be read ---- */

static void test_reception(const char *root) {
    onshi_error *err = onshi_error_new();
    char buf[4096];
    size_t len = 0;

    /* A 後期高齢 資格確認書 carries no address: not a difference, and the 2026-08 rule is told. */
    onshi_qualification *reg = record_from_json(
        "{\"insurer_number\":\"39130018\",\"insured_identification_number\":\"40000084\","
        "\"name\":\"確認　八十四\",\"birthdate\":\"1945-04-01\","
        "\"address\":\"東京都見本区見本町一丁目１番１号\",\"qualification_date\":\"2010-04-01\"}");
    onshi_qualification *ret = NULL;
    CHECK_STATUS(onshi_qualification_clone(reg, &ret), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_clear(ret, ONSHI_FIELD_ADDRESS), ONSHI_OK);
    onshi_date start = {2010, 4, 1}, day = {2026, 12, 7};
    onshi_datetime at = {2026, 12, 7, 9, 0, 0};
    onshi_history *h = NULL;
    CHECK_STATUS(onshi_history_new(err, reg, &start, S("staff-1"), &at, &h), ONSHI_OK);
    onshi_diff *d = NULL;
    CHECK_STATUS(onshi_history_review_record_presented(h, ret, S("OQSsiquc01res_c.xml"), &day, ONSHI_QUERY_KIND_INSURANCE_CARD,
                                                       ONSHI_CLINIC_KIND_MEDICAL, ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE,
                                                       &d),
                 ONSHI_OK);
    uint32_t shown = 0, clinic = 0;
    CHECK_STATUS(onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_PRESENTATION, &shown), ONSHI_OK);
    CHECK(shown == ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE);
    CHECK_STATUS(onshi_diff_get_u32(d, ONSHI_FIELD_DIFF_CLINIC_KIND, &clinic), ONSHI_OK);
    CHECK(clinic == ONSHI_CLINIC_KIND_MEDICAL);
    size_t count = 0, rule = 0, address_ok = 0;
    CHECK_STATUS(onshi_diff_count(d, ONSHI_LIST_DIFF_FIELDS, &count), ONSHI_OK);
    for (size_t i = 0; i < count; i++) {
        uint32_t f = 0, advice = 0;
        CHECK_STATUS(onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, i, ONSHI_FIELD_DIFF_ITEM_FIELD, &f), ONSHI_OK);
        if (f == ONSHI_FIELD_ADDRESS &&
            onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_FIELDS, i, ONSHI_FIELD_DIFF_ITEM_ADVICE, &advice) == ONSHI_OK)
            address_ok = advice == ONSHI_ADVICE_ADDRESS_NOT_ON_CERTIFICATE;
    }
    CHECK(address_ok);
    CHECK_STATUS(onshi_diff_count(d, ONSHI_LIST_DIFF_NOTICES, &count), ONSHI_OK);
    for (size_t i = 0; i < count; i++) {
        uint32_t k = 0;
        CHECK_STATUS(onshi_diff_item_get_u32(d, ONSHI_LIST_DIFF_NOTICES, i, ONSHI_FIELD_DIFF_NOTICE_KIND, &k), ONSHI_OK);
        rule += k == ONSHI_NOTICE_LATE_ELDERLY_CERTIFICATE_RULE;
    }
    CHECK(rule == 1);
    onshi_diff_free(d);
    d = NULL;
    CHECK_STATUS(onshi_history_review_record_presented(h, ret, S("x"), &day, ONSHI_QUERY_KIND_INSURANCE_CARD, 0, 99, &d),
                 ONSHI_INVALID_ARGUMENT);
    CHECK(d == NULL);
    CHECK_STATUS(onshi_history_review_record_presented(h, ret, S("x"), &day, ONSHI_QUERY_KIND_INSURANCE_CARD, 99,
                                                       ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE, &d),
                 ONSHI_INVALID_ARGUMENT);
    CHECK(d == NULL);
    onshi_history_free(h);
    onshi_qualification_free(ret);
    onshi_qualification_free(reg);

    /* The 利用率 from visits the caller holds: per patient-month. */
    const char *visits =
        "[{\"date\":\"2026-12-01\",\"patient_id\":\"1\",\"presentation\":\"qualification_certificate\",\"recorded_at\":\"2026-12-01T09:00:00\"},"
        "{\"date\":\"2026-12-09\",\"patient_id\":\"1\",\"presentation\":\"my_number_card\",\"recorded_at\":\"2026-12-09T09:00:00\"},"
        "{\"date\":\"2026-12-02\",\"patient_id\":\"2\",\"presentation\":\"other_document\",\"recorded_at\":\"2026-12-02T09:00:00\"},"
        "{\"date\":\"2026-12-03\",\"patient_id\":\"3\",\"presentation\":\"none\",\"recorded_at\":\"2026-12-03T09:00:00\"}]";
    CHECK_STATUS(onshi_usage_report(err, S(visits), 2026, 12, ONSHI_REPORT_FORMAT_JSON, NULL, 0, &len), ONSHI_BUFFER_TOO_SMALL);
    CHECK(len > 0 && len < sizeof buf);
    CHECK_STATUS(onshi_usage_report(err, S(visits), 2026, 12, ONSHI_REPORT_FORMAT_JSON, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(strstr(buf, "\"patients\":3") != NULL && strstr(buf, "\"rate_basis_points\":3333") != NULL);
    CHECK(strstr(buf, "\"meets_target\":true") != NULL);
    CHECK_STATUS(onshi_usage_report(err, S(visits), 2026, 12, ONSHI_REPORT_FORMAT_CSV, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(memcmp(buf, "\xEF\xBB\xBF", 3) == 0 && strstr(buf, "\r\n") != NULL);
    CHECK_STATUS(onshi_usage_report(err, S(visits), 2026, 12, ONSHI_REPORT_FORMAT_TEXT, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(strstr(buf, "33.33%") != NULL);
    CHECK_STATUS(onshi_usage_report(err, S("{}"), 2026, 12, ONSHI_REPORT_FORMAT_JSON, buf, sizeof buf, &len), ONSHI_JSON);
    CHECK_STATUS(onshi_usage_report(err, S("[]"), 2026, 0, ONSHI_REPORT_FORMAT_JSON, buf, sizeof buf, &len), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_usage_report(err, S("[]"), 2026, 12, 0, buf, sizeof buf, &len), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_usage_report(err, S("[]"), 2026, 12, ONSHI_REPORT_FORMAT_JSON, buf, sizeof buf, NULL), ONSHI_NULL_PARAMETER);

    /* The same from the client's journal. */
    onshi_client *c = NULL;
    CHECK_STATUS(onshi_client_open(err, (const uint8_t *)root, strlen(root), S("{\"create_folders\":true}"), &c), ONSHI_OK);
    onshi_date d1 = {2026, 12, 1}, d2 = {2026, 12, 8}, bad = {2026, 2, 30};
    CHECK_STATUS(onshi_client_record_visit(c, err, &d1, S("K-1"), ONSHI_PRESENTATION_MY_NUMBER_SMARTPHONE, NULL, 0), ONSHI_OK);
    CHECK_STATUS(onshi_client_record_visit(c, err, &d2, S("K-1"), ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE, NULL, 0), ONSHI_OK);
    CHECK_STATUS(onshi_client_record_visit(c, err, &d2, S("K-2"), ONSHI_PRESENTATION_DECLARATION, S("OQSsiquc01res_k2.xml")), ONSHI_OK);
    CHECK_STATUS(onshi_client_record_visit(c, err, &d2, S("K-2"), ONSHI_PRESENTATION_DECLARATION, S("OQSsiquc01res_k2.xml")), ONSHI_OK);
    CHECK_STATUS(onshi_client_record_visit(c, err, &d1, NULL, 0, ONSHI_PRESENTATION_MY_NUMBER_CARD, NULL, 0), ONSHI_TERMINAL_INVALID_REQUEST);
    CHECK_STATUS(onshi_client_record_visit(c, err, &d1, S("K-3"), 0, NULL, 0), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_client_record_visit(c, err, &bad, S("K-3"), ONSHI_PRESENTATION_NONE, NULL, 0), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_client_record_visit(c, err, NULL, S("K-3"), ONSHI_PRESENTATION_NONE, NULL, 0), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_client_usage_report(c, err, 2026, 12, ONSHI_REPORT_FORMAT_JSON, buf, sizeof buf, &len), ONSHI_OK);
    CHECK(strstr(buf, "\"patients\":2") != NULL && strstr(buf, "\"visits\":3") != NULL);
    CHECK(strstr(buf, "\"rate_basis_points\":5000") != NULL);
    CHECK_STATUS(onshi_client_usage_report(c, err, 2026, 13, ONSHI_REPORT_FORMAT_JSON, buf, sizeof buf, &len), ONSHI_INVALID_VALUE);
    onshi_client_free(c);

    /* Card kinds that cannot be read: each its own status and a staff text saying what to do. */
    struct {
        const char *mode;
        onshi_status want;
        const char *says;
    } kinds[] = {
        {"{\"mode\":\"android_smartphone\"}", ONSHI_CARD_SMARTPHONE, "顔認証付きカードリーダー"},
        {"{\"mode\":\"face_auth_card\"}", ONSHI_CARD_FACE_AUTH_CARD, "顔認証"},
        {"{\"mode\":\"locked_pin\"}", ONSHI_CARD_PIN_LOCKED, "市区町村"},
        {"{\"mode\":\"iphone\"}", ONSHI_CARD_NOT_MY_NUMBER_CARD, "iPhone"},
    };
    CHECK(ONSHI_CARD_SMARTPHONE == 522 && ONSHI_CARD_FACE_AUTH_CARD == 523);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        onshi_card *card = NULL;
        CHECK_STATUS(onshi_card_open_virtual(err, S(kinds[i].mode), &card), ONSHI_OK);
        onshi_basic_info *info = NULL;
        onshi_status s = onshi_card_recognise(card);
        if (s == ONSHI_OK) s = onshi_card_read_basic_info(card, S("1234"), false, &info);
        CHECK(s == kinds[i].want);
        CHECK(info == NULL);
        onshi_error *e = onshi_error_new();
        CHECK_STATUS(onshi_error_from_handle(e, card), ONSHI_OK);
        CHECK_STATUS(onshi_error_staff_message(e, buf, sizeof buf, &len), ONSHI_OK);
        CHECK(strstr(buf, kinds[i].says) != NULL);
        onshi_error_free(e);
        CHECK_STATUS(onshi_status_name(kinds[i].want, buf, sizeof buf, &len), ONSHI_OK);
        CHECK(strncmp(buf, "ONSHI_CARD_", 11) == 0);
        onshi_card_free(card);
    }
    onshi_error_free(err);
}

int main(int argc, char **argv) {
    test_version();
    test_text_protocol_and_status();
    test_ids();
    test_codes();
    test_qualification_fields();
    test_lists();
    test_json_clone_equal();
    test_null_and_wrong_handles();
    test_diff_and_history();
    test_matching_and_card();
    test_documents();
    char root[256];
    /* Before the terminal tests: what runs last decides which library threads are still
       winding down at exit. */
    snprintf(root, sizeof root, "onshi-c-reception-%s", argc > 1 ? argv[1] : "default");
    test_reception(root);
    snprintf(root, sizeof root, "onshi-c-root-%s", argc > 1 ? argv[1] : "default");
    test_terminal(root);
    snprintf(root, sizeof root, "onshi-c-docs-%s", argc > 1 ? argv[1] : "default");
    test_consent_gated_documents(root);
    snprintf(root, sizeof root, "onshi-c-2026-%s", argc > 1 ? argv[1] : "default");
    test_terminal_2026(root);
    snprintf(root, sizeof root, "onshi-c-kouhi-%s", argc > 1 ? argv[1] : "default");
    test_public_expense(root);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
