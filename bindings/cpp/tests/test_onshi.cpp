// C++ test of bindings/cpp/onshi.hpp: RAII ownership, move-only handles, exceptions with
// status and message, optional values, and the same bad input as the C test.
// Includes the header twice on purpose (double-include guard) and links with second_tu.cpp,
// which includes it too (inline functions, no ODR clash).
#include "onshi.hpp"
#include "onshi.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

int second_tu_uses_the_header();

static int passed, failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            std::fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

// Runs `f`, expecting onshi::Error with `status`; returns its English detail (what()), or
// its Japanese staff text with `staff`.
template <class F>
static std::string expect_error(onshi_status status, F &&f, bool staff = false) {
    try {
        f();
    } catch (const onshi::Error &e) {
        CHECK(e.status() == status);
        if (e.status() != status) std::fprintf(stderr, "  got status %u: %s\n", e.status(), e.what());
        return staff ? e.staff_message() : e.what();
    }
    CHECK(!"no exception");
    return {};
}

static_assert(!std::is_copy_constructible_v<onshi::Qualification>, "move-only");
static_assert(std::is_nothrow_move_constructible_v<onshi::Qualification>, "cheap moves");

static void test_free_functions() {
    CHECK(onshi::version() == ONSHI_VERSION_STRING);
    CHECK(onshi::status_name(ONSHI_OUT_OF_RANGE) == "ONSHI_OUT_OF_RANGE");
    CHECK(onshi::status_name(4242).empty());
    onshi::check_digit_verify("33120015");
    std::string m = expect_error(ONSHI_ID_CHECK_DIGIT, [] { onshi::check_digit_verify("33120016"); });
    CHECK(m.find("expected 5") != std::string::npos);
    expect_error(ONSHI_INVALID_UTF8, [] { onshi::check_digit_verify(std::string_view("\xff\xfe", 2)); });
    CHECK(onshi::check_digit_compute("13805") == 7);
    expect_error(ONSHI_INVALID_VALUE, [] { onshi::check_digit_compute("1x"); });
    CHECK(onshi::normalize_id(ONSHI_ID_KIND_INSURER_NUMBER, "00138057") == "138057");
    CHECK(onshi::normalize_id(ONSHI_ID_KIND_INSURER_NUMBER, "138058", ONSHI_MODE_LENIENT) == "138058");
    m = expect_error(ONSHI_ID_PREFECTURE, [] { onshi::normalize_id(ONSHI_ID_KIND_INSURER_NUMBER, "991236"); });
    CHECK(m.find("prefecture") != std::string::npos);
    // Two audiences: the staff text in Japanese, the detail in English, apart.
    try {
        onshi::normalize_id(ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE, "0110113718");
        CHECK(!"no exception");
    } catch (const onshi::Error &e) {
        CHECK(e.status() == ONSHI_ID_CHECK_DIGIT);
        CHECK(e.staff_message().find("医療機関コードの検証番号") != std::string::npos);
        CHECK(e.detail().find("expected 9") != std::string::npos);
        CHECK(e.detail().find("検証番号（") == std::string::npos);
    }
    CHECK(onshi::status_message_ja(ONSHI_TERMINAL_MISSING_FOLDER).find("共有フォルダ") != std::string::npos);
    expect_error(ONSHI_ID_EMPTY, [] { onshi::check_digit_compute(""); });
    expect_error(ONSHI_EMBEDDED_NUL, [] { onshi::check_digit_verify(std::string_view("138057\0""9", 8)); });
    CHECK(onshi::insurer_number_to_wire("138057") == "  138057");
    CHECK(onshi::insurer_number_flags("39131156") == ONSHI_INSURER_LATE_ELDERLY);
    CHECK(onshi::code_label(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY, "1") == "有効");
    CHECK(!onshi::code_is_known(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY, "8"));
    auto values = onshi::code_values(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY);
    CHECK(values.size() == 6 && values.front() == "1" && values.back() == "6");
    expect_error(ONSHI_INVALID_ARGUMENT, [] { onshi::code_values(77); });
    // Labels are read as of the 資格確認日: 05 was relabelled on 2024-12-02.
    const onshi_date before{2024, 11, 30}, after{2026, 10, 5};
    CHECK(onshi::code_label(ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION, "05", &before) == "被保険者資格証明書");
    CHECK(onshi::code_label(ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION, "05", &after) == "特別療養費支給対象者");
    CHECK(onshi::code_label(ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION, "07") == "自衛官");
}

/// Issue 11: an odd value keeps the answer, with a warning; the clinic kind and the
/// 医療扶助 re-check day in a review.
static void test_fidelity() {
    const std::string face =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XmlMsg>\n<MessageHeader>"
        "<QualificationConfirmationDate>20261005</QualificationConfirmationDate>"
        "<ReferenceClassification>1</ReferenceClassification><SegmentOfResult>1</SegmentOfResult>"
        "</MessageHeader>\n<MessageBody><QualificationValidity>6</QualificationValidity><ResultList>"
        "<ResultOfQualificationConfirmation>\n"
        "<InsuredCardClassification>A1</InsuredCardClassification><InsurerNumber>12130019</InsurerNumber>"
        "<Name>扶助　静香</Name><InsuredCardExpirationDate>99999999</InsuredCardExpirationDate>\n"
        "</ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>\n";
    auto doc = onshi::Document::parse(face);
    auto w = doc.warnings();
    CHECK(w.size() == 1);
    CHECK(w[0].kind == ONSHI_WARNING_INVALID_VALUE);
    CHECK(w[0].path == "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/InsuredCardExpirationDate");
    CHECK(w[0].line == 5);
    CHECK(w[0].value == std::optional<std::string>("99999999"));
    CHECK(w[0].expected == "a date yyyyMMdd");
    CHECK(doc.result_at(0).text(ONSHI_FIELD_NAME) == std::optional<std::string>("扶助　静香"));

    auto reg = onshi::Qualification::from_json(
        R"({"insured_card_classification":"A1","insurer_number":"12130019","name":"扶助　静香"})");
    auto h = onshi::History::create(reg, onshi_date{2024, 4, 1}, "受付", onshi_datetime{2026, 10, 5, 9, 0, 0});
    auto d = h.review(doc, std::nullopt, std::string_view("face-1"), nullptr, 0, ONSHI_CLINIC_KIND_DENTAL);
    CHECK(d.u32(ONSHI_FIELD_DIFF_CLINIC_KIND) == std::optional<uint32_t>(ONSHI_CLINIC_KIND_DENTAL));
    CHECK(d.u32(ONSHI_FIELD_DIFF_RECHECK_REASON) == std::optional<uint32_t>(ONSHI_RECHECK_TICKET_NOT_YET_REGISTERED));
    auto on = d.date(ONSHI_FIELD_DIFF_RECHECK_DATE);
    CHECK(on && on->year == 2026 && on->month == 10 && on->day == 21);
    expect_error(ONSHI_INVALID_ARGUMENT,
                 [&] { h.review(doc, std::nullopt, std::string_view("face-1"), nullptr, 0, 99); });
}

static void test_record() {
    onshi::Qualification q;
    CHECK(!q.text(ONSHI_FIELD_NAME).has_value());
    q.set_text(ONSHI_FIELD_NAME, "見本　花子");
    CHECK(q.text(ONSHI_FIELD_NAME) == std::optional<std::string>("見本　花子"));
    q.set_text(ONSHI_FIELD_INSURER_NUMBER, "138057");
    q.set_text(ONSHI_FIELD_INSURED_IDENTIFICATION_NUMBER, "100");
    q.set_date(ONSHI_FIELD_BIRTHDATE, onshi_date{1980, 1, 1});
    auto d = q.date(ONSHI_FIELD_BIRTHDATE);
    CHECK(d && d->year == 1980 && d->month == 1 && d->day == 1);
    std::string m = expect_error(ONSHI_INVALID_VALUE, [&] { q.set_text(ONSHI_FIELD_BIRTHDATE, "1980/01/01"); });
    CHECK(m.find("YYYY-MM-DD") != std::string::npos);
    CHECK(m.find("1980") == std::string::npos); // the value is redacted from messages
    m = expect_error(ONSHI_ID_LENGTH,
                     [&] { q.set_text(ONSHI_FIELD_INSURER_NUMBER, "1234"); });
    CHECK(m.find("保険者番号") != std::string::npos);
    expect_error(ONSHI_TYPE_MISMATCH, [&] { q.u32(ONSHI_FIELD_NAME); });
    q.set_u32(ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, 10);
    CHECK(q.u32(ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO) == std::optional<uint32_t>(10));
    q.set_datetime(ONSHI_FIELD_SPECIFIC_DISEASES_CONSENT_TIME, onshi_datetime{2024, 4, 1, 8, 0, 0});
    CHECK(q.text(ONSHI_FIELD_SPECIFIC_DISEASES_CONSENT_TIME) == std::optional<std::string>("2024-04-01T08:00:00"));
    q.clear(ONSHI_FIELD_SPECIFIC_DISEASES_CONSENT_TIME);
    CHECK(!q.datetime(ONSHI_FIELD_SPECIFIC_DISEASES_CONSENT_TIME));

    std::size_t i = q.add_item(ONSHI_LIST_SPECIFIC_DISEASES);
    q.set_item_text(ONSHI_LIST_SPECIFIC_DISEASES, i, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, "1");
    q.set_item_u32(ONSHI_LIST_SPECIFIC_DISEASES, i, ONSHI_FIELD_SPECIFIC_DISEASE_SELF_PAY, 20000);
    q.set_item_date(ONSHI_LIST_SPECIFIC_DISEASES, i, ONSHI_FIELD_SPECIFIC_DISEASE_VALID_END_DATE, onshi_date{2025, 3, 31});
    CHECK(q.count(ONSHI_LIST_SPECIFIC_DISEASES) == 1);
    CHECK(q.item_u32(ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_SELF_PAY) == std::optional<uint32_t>(20000));
    CHECK(onshi::code_label(ONSHI_CODE_TABLE_SPECIFIC_DISEASE_CATEGORY,
                            *q.item_text(ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY))
              .find("透析") != std::string::npos);
    expect_error(ONSHI_OUT_OF_RANGE, [&] { q.item_text(ONSHI_LIST_SPECIFIC_DISEASES, 1, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY); });
    expect_error(ONSHI_READ_ONLY, [&] { q.add_item(ONSHI_LIST_CONSENTS); });
    q.set_item_text(ONSHI_LIST_CONSENTS, 0, ONSHI_FIELD_CONSENT_FLAG, "1");
    CHECK(q.consent_valid_at(0, onshi_datetime{2030, 1, 1, 0, 0, 0}));
    CHECK(!q.consent_valid_at(1, onshi_datetime{2030, 1, 1, 0, 0, 0}));
    CHECK(q.item_text(ONSHI_LIST_CONSENTS, 0, ONSHI_FIELD_CONSENT_KIND) == std::optional<std::string>("SpecificHealthCheckupsInfo"));

    CHECK(!q.is_public_assistance());
    CHECK(!q.card_number_reason());

    // JSON round trip, clone, equality.
    std::string json = q.to_json();
    onshi::Qualification r = onshi::Qualification::from_json(json);
    CHECK(r == q);
    onshi::Qualification c = r.clone();
    c.set_text(ONSHI_FIELD_NAME, "別人");
    CHECK(c != r);
    m = expect_error(ONSHI_JSON, [] { onshi::Qualification::from_json("{\"sex1\": 1"); });
    CHECK(m.find("JSON") != std::string::npos);

    // A big value goes through the size query path.
    std::string big(5000, 'x');
    q.set_text(ONSHI_FIELD_ADDRESS, big);
    CHECK(q.text(ONSHI_FIELD_ADDRESS) == std::optional<std::string>(big));

    // Moves transfer ownership; the moved-from object fails cleanly instead of crashing.
    onshi::Qualification moved = std::move(q);
    CHECK(moved.text(ONSHI_FIELD_NAME).has_value());
    expect_error(ONSHI_NULL_PARAMETER, [&] { q.text(ONSHI_FIELD_NAME); });  // NOLINT(bugprone-use-after-move)
    onshi_qualification *raw = moved.release();
    onshi::Qualification again(raw);
    CHECK(again.text(ONSHI_FIELD_NAME) == std::optional<std::string>("見本　花子"));
}

static void test_diff_history_matching_card() {
    static_assert(!std::is_copy_constructible<onshi::Diff>::value, "move-only");
    static_assert(std::is_nothrow_move_constructible<onshi::History>::value, "movable");
    auto reg = onshi::Qualification::from_json(
        R"({"insurer_number":"06139990","insured_identification_number":"456","name":"見本　太郎",)"
        R"("birthdate":"1950-05-05","address":"東京都千代田区千代田1-1","insured_partial_contribution_ratio":10})");
    auto ret = reg.clone();
    ret.set_u32(ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, 20);
    const onshi_date day{2025, 4, 10};
    const onshi_datetime now{2025, 4, 10, 9, 0, 0};
    auto diff = onshi::Diff::compare(reg, ret, day, ONSHI_QUERY_KIND_MY_NUMBER_CARD);
    CHECK(diff.verdict() == ONSHI_VERDICT_NEW_QUALIFICATION);
    CHECK(diff.text(ONSHI_FIELD_DIFF_VERDICT) == std::optional<std::string>("new_qualification"));
    auto ratio = diff.find(ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO);
    CHECK(ratio.has_value());
    CHECK(diff.item_u32(ONSHI_LIST_DIFF_FIELDS, *ratio, ONSHI_FIELD_DIFF_ITEM_ADVICE) == ONSHI_ADVICE_RATIO_CHANGED);
    CHECK(diff.item_text(ONSHI_LIST_DIFF_FIELDS, *ratio, ONSHI_FIELD_DIFF_ITEM_MESSAGE)->find("負担割合") != std::string::npos);
    CHECK(!diff.find(ONSHI_FIELD_SPECIFIC_DISEASES));
    expect_error(ONSHI_OUT_OF_RANGE, [&] { diff.item_text(ONSHI_LIST_DIFF_FIELDS, 999, ONSHI_FIELD_DIFF_ITEM_LABEL); });
    expect_error(ONSHI_INVALID_ARGUMENT, [&] { onshi::Diff::compare(reg, ret, day, 0); });
    CHECK(diff.returned().has_value());

    auto history = onshi::History::create(reg, onshi_date{2020, 4, 1}, "staff-1", now);
    // A diff made outside the history cannot be applied; a review made by it can.
    expect_error(ONSHI_HISTORY_STALE_REVIEW,
                 [&] { history.apply(diff, nullptr, ONSHI_START_DATE_FIRST_OF_MONTH, "staff-1", now); });
    auto review = history.review_record(ret, "res-1", day, ONSHI_QUERY_KIND_MY_NUMBER_CARD);
    auto older = history.review_record(ret, "res-2", day, ONSHI_QUERY_KIND_MY_NUMBER_CARD);
    CHECK(review.verdict() == ONSHI_VERDICT_NEW_QUALIFICATION);
    CHECK(history.apply(review, nullptr, ONSHI_START_DATE_FIRST_OF_MONTH, "staff-1", now) == 3);
    CHECK(history.count(ONSHI_LIST_HISTORY_VERSIONS) == 2);
    CHECK(history.current().u32(ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO) == 20u);
    auto start = history.item_date(ONSHI_LIST_HISTORY_VERSIONS, 1, ONSHI_FIELD_VERSION_START);
    CHECK(start && start->year == 2025 && start->month == 4 && start->day == 1);
    CHECK(history.item_u32(ONSHI_LIST_HISTORY_VERSIONS, 0, ONSHI_FIELD_VERSION_STATE) == ONSHI_STATE_SUPERSEDED);
    CHECK(history.at(onshi_date{2019, 1, 1}) == std::nullopt);
    std::string m = expect_error(ONSHI_HISTORY_STALE_REVIEW, [&] {
        history.apply(older, nullptr, ONSHI_START_DATE_FIRST_OF_MONTH, "staff-1", now);
    });
    CHECK(history.last_error() == m);
    auto back = onshi::History::from_json(history.to_json());
    CHECK(back.to_json() == history.to_json());
    expect_error(ONSHI_JSON, [] { onshi::History::from_json("[]"); });

    onshi::Choices choices;
    choices.identity_verified(true).set(ONSHI_FIELD_ADDRESS, ONSHI_DECISION_KEEP).start_date(onshi_date{2025, 4, 2});
    CHECK(choices.to_json().find("\"start_date\":\"2025-04-02\"") != std::string::npos);
    expect_error(ONSHI_INVALID_ARGUMENT, [&] { choices.set(ONSHI_FIELD_NAME, 7); });

    onshi::Matching patients;
    std::size_t i = patients.add("000123");
    patients.set_text(i, ONSHI_FIELD_PATIENT_NAME, "見本　太郎");
    patients.set_date(i, ONSHI_FIELD_PATIENT_BIRTHDATE, onshi_date{1950, 5, 5});
    expect_error(ONSHI_INVALID_VALUE, [&] { patients.set_text(i, ONSHI_FIELD_PATIENT_BIRTHDATE, "1950-02-30"); });
    auto found = patients.find(ret);
    CHECK(found.size() == 1);
    CHECK(found.text(0, ONSHI_FIELD_CANDIDATE_PATIENT_ID) == std::optional<std::string>("000123"));
    CHECK(found.u32(0, ONSHI_FIELD_CANDIDATE_STRENGTH) == ONSHI_STRENGTH_LIKELY ||
          found.u32(0, ONSHI_FIELD_CANDIDATE_STRENGTH) == ONSHI_STRENGTH_STRONG);

    auto card = onshi::Card::open_virtual();
    card.recognise();
    CHECK(card.tries_left() == 3);
    m = expect_error(ONSHI_CARD_WRONG_PIN, [&] { card.read_basic_info("9999"); }, true);
    CHECK(m.find("残り 2 回") != std::string::npos);
    std::string pin = "1234";
    auto info = card.read_basic_info(pin);
    pin.assign(pin.size(), '\0');
    CHECK(info.text(ONSHI_FIELD_BASIC_INFO_NAME) == std::optional<std::string>("検証　花子"));
    CHECK(info.u32(ONSHI_FIELD_BASIC_INFO_SEX) == ONSHI_CARD_SEX_FEMALE);
    CHECK(patients.find_card(info).size() == 0);
    expect_error(ONSHI_JSON, [] { onshi::Card::open_virtual("{"); });
    try {
        onshi::Card::list_readers();
        passed++;
    } catch (const onshi::Error &e) {
        CHECK((e.status() >= 500 && e.status() < 600) || e.status() == ONSHI_NOT_SUPPORTED);
    }
}

static void test_terminal_flow() {
    const char *root = "onshi-cpp-root";
    expect_error(ONSHI_TERMINAL_MISSING_FOLDER, [&] { onshi::Client::open("onshi-cpp-no-such-root"); });
    auto emu = onshi::Emulator::start(root);
    auto client = onshi::Client::open(root, R"({"medical_institution_code":"1310000003"})");
    auto reg = onshi::Qualification::from_json(
        R"({"insurer_number":"01130012","insured_card_symbol":"12-34","insured_identification_number":"1001",)"
        R"("insured_branch_number":"00","name":"見本　太郎","birthdate":"1980-04-01","address":"旧住所"})");
    auto req = onshi::Document::individual_request("1310000003", reg, onshi_date{2025, 4, 10}, "visit-cpp");
    CHECK(req.type() == ONSHI_MESSAGE_TYPE_QUALIFICATION_REQUEST);
    auto bytes = req.write(ONSHI_ENCODING_SHIFT_JIS);
    CHECK(!bytes.empty());
    auto again = onshi::Document::parse(std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
    CHECK(again.item_text(ONSHI_LIST_DOCUMENT_QUERIES, 0, ONSHI_FIELD_QUERY_INSURER_NUMBER) ==
          std::optional<std::string>("01130012"));
    auto ticket = client.submit(req);
    auto res = client.wait(onshi::Ticket::from_json(ticket.to_json()), 20000);
    CHECK(res.type() == ONSHI_MESSAGE_TYPE_QUALIFICATION_RESPONSE);
    auto diff = onshi::compare_document(reg, res);
    CHECK(diff.verdict() == ONSHI_VERDICT_UPDATE_RECOMMENDED);
    auto history = onshi::History::create(reg, onshi_date{2020, 4, 1}, "staff", onshi_datetime{2025, 4, 10, 9, 0, 0});
    auto review = history.review(res, std::nullopt, std::string_view("res-cpp"));
    CHECK(review.verdict() == ONSHI_VERDICT_UPDATE_RECOMMENDED);
    CHECK(history.apply(review, nullptr, ONSHI_START_DATE_FIRST_OF_MONTH, "staff",
                        onshi_datetime{2025, 4, 10, 9, 0, 0}) == 2);
    emu.push_face("P14");
    auto face = client.next_face(20000);
    CHECK(face.has_value() && face->text(ONSHI_FIELD_DOCUMENT_FILE_NAME)->rfind("OQSsiquc01res_face_", 0) == 0);
    CHECK(!client.next_face(0).has_value());
    client.release_face(*face);  // not processed: comes again
    auto face_again = client.next_face(20000);
    CHECK(face_again.has_value() &&
          face_again->text(ONSHI_FIELD_DOCUMENT_FILE_NAME) == face->text(ONSHI_FIELD_DOCUMENT_FILE_NAME));
    client.ack_face(*face_again);
    CHECK(!client.next_face(0).has_value());
    CHECK(client.doctor().find("\"checks\"") != std::string::npos);
    emu.set_behaviour(ONSHI_BEHAVIOUR_SILENT);
    std::string m = expect_error(ONSHI_TERMINAL_NOT_ANSWERING, [&] { client.query(req, 200); });
    CHECK(!m.empty());
    CHECK(emu.stats().faces == 1);
    expect_error(ONSHI_XML_FORBIDDEN, [] { onshi::Document::parse("<!DOCTYPE a><XmlMsg/>"); });
    expect_error(ONSHI_TYPE_MISMATCH, [&] { onshi::compare_document(reg, req); });
}

// A terminal of 2026 in C++: encrypted answers read through a std::function cipher (the
// emulator "encrypts" with XOR 0x5A through a cipher command of the test's own, never a real
// scheme), a throwing cipher, files in face/ that are not face results, content that is not XML.
static void test_terminal_2026() {
    expect_error(ONSHI_XML_ENCRYPTED, [] { onshi::Document::parse("\x8f\x01 not xml"); });
#ifndef _WIN32
    const char *root = "onshi-cpp-2026";
    auto emu = onshi::Emulator::start_with_options(root, "", R"({"encrypt_command":["base64"]})");
    auto client = onshi::Client::open(root, R"({"medical_institution_code":"1310000003","settle_timeout_ms":500})");
    auto reg = onshi::Qualification::from_json(
        R"({"insurer_number":"01130012","insured_card_symbol":"12-34","insured_identification_number":"1001",)"
        R"("insured_branch_number":"00","name":"見本　太郎","birthdate":"1980-04-01"})");
    auto req = onshi::Document::individual_request("1310000003", reg, onshi_date{2025, 4, 10}, "v-2026");
    std::string staff = expect_error(ONSHI_TERMINAL_ENCRYPTED, [&] { client.query(req, 20000); }, true);
    CHECK(staff.find("encrypt.conf") != std::string::npos && staff.find("OQSsiquc") != std::string::npos);
    client.set_cipher([](onshi_cipher_stage, std::string_view, const std::vector<uint8_t> &) -> std::vector<uint8_t> {
        throw std::runtime_error("vendor module missing");
    });
    expect_error(ONSHI_TERMINAL_HOOK_FAILED, [&] { client.query(req, 20000); });
    std::atomic<int> calls{0};
    client.set_cipher([&calls](onshi_cipher_stage stage, std::string_view, const std::vector<uint8_t> &in) {
        calls++;
        if (stage == ONSHI_CIPHER_ENCRYPT) return in;  // requests stay plain
        static const std::string abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::vector<uint8_t> out;
        uint32_t acc = 0;
        int bits = 0;
        for (uint8_t ch : in) {
            auto v = abc.find(static_cast<char>(ch));
            if (v == std::string::npos) continue;
            acc = (acc << 6) | static_cast<uint32_t>(v);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
            }
        }
        return out;
    });
    auto res = client.query(req, 20000);
    CHECK(res.type() == ONSHI_MESSAGE_TYPE_QUALIFICATION_RESPONSE);
    CHECK(calls >= 2);
    client.set_cipher(nullptr);
    {
        std::FILE *f = std::fopen("onshi-cpp-2026/face/memo.txt", "w");
        CHECK(f != nullptr);
        if (f) {
            std::fputs("x", f);
            std::fclose(f);
        }
    }
    CHECK(!client.next_face(0).has_value());
    CHECK(client.skipped_faces().find("memo.txt") != std::string::npos);
    CHECK(client.skipped_faces() == "[]");
#endif
}

// 公費 (PMH): the record with RAII, its own history with the same review/apply/unlink, the
// emulator's P60 (上限額 1万円 → 2万円 from the second answer) and P62 (a city not on PMH:
// unknown, never 失効).
static void test_public_expense() {
    static_assert(!std::is_copy_constructible_v<onshi::PublicExpense>, "move-only");
    static_assert(std::is_nothrow_move_constructible_v<onshi::PublicExpense>, "cheap moves");
    onshi::PublicExpense paper;
    paper.set_text(ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER, "５４１３８０１１");
    CHECK(paper.text(ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER) == std::optional<std::string>("54138011"));
    expect_error(ONSHI_ID_LENGTH, [&] { paper.set_text(ONSHI_FIELD_PUBLIC_EXPENSE_PAYER_NUMBER, "5413801"); });
    paper.set_text(ONSHI_FIELD_PUBLIC_EXPENSE_RECIPIENT_NUMBER, "2001238");
    paper.set_u32(ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT, 5000);
    paper.set_text(ONSHI_FIELD_PUBLIC_EXPENSE_SOURCE, "paper");
    paper.set_date(ONSHI_FIELD_PUBLIC_EXPENSE_VALID_FROM, onshi_date{2025, 10, 1});
    paper.set_date(ONSHI_FIELD_PUBLIC_EXPENSE_VALID_TO, onshi_date{2026, 9, 30});
    CHECK(paper.programme_label() == std::optional<std::string>("指定難病（特定医療費）"));
    CHECK(paper.valid_on(onshi_date{2026, 9, 30}) && !paper.valid_on(onshi_date{2026, 10, 1}));
    CHECK(!paper.text(ONSHI_FIELD_PUBLIC_EXPENSE_HISTORY_KEY).has_value());
    expect_error(ONSHI_TYPE_MISMATCH, [&] { paper.text(ONSHI_FIELD_NAME); });
    CHECK(onshi::PublicExpense::from_json(paper.to_json()) == paper);
    auto moved = paper.clone();
    auto taken = std::move(moved);
    CHECK(taken == paper);
    expect_error(ONSHI_JSON, [] { onshi::PublicExpense::from_json(R"({"payer_number":"1"})"); });

    const char *root = "onshi-cpp-kouhi-root";
    std::filesystem::remove_all(root);
    auto emu = onshi::Emulator::start(root);
    auto client = onshi::Client::open(root, R"({"medical_institution_code":"1310000003"})");
    const auto t = std::time(nullptr) + 9 * 3600;
    std::tm jst{};
    gmtime_r(&t, &jst);
    const onshi_date today{jst.tm_year + 1900, static_cast<uint32_t>(jst.tm_mon + 1), static_cast<uint32_t>(jst.tm_mday)};
    const onshi_datetime now{2026, 4, 1, 9, 0, 0};

    emu.push_face("P60");
    auto face = client.next_face(20000);
    CHECK(face.has_value());
    if (!face) return;
    client.ack_face(*face);
    auto fq = face->result_at(0);
    CHECK(fq.count(ONSHI_LIST_PUBLIC_EXPENSES) == 2);
    auto sent = fq.public_expense_at(0);
    CHECK(sent.u32(ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT) == 10000u);
    expect_error(ONSHI_OUT_OF_RANGE, [&] { fq.public_expense_at(2); });
    auto h = onshi::History::from_result(sent, onshi_date{2026, 4, 1}, *face->text(ONSHI_FIELD_DOCUMENT_FILE_NAME), today,
                                         "staff-1", now);
    CHECK(h.kind() == ONSHI_KIND_PUBLIC_EXPENSE);
    CHECK(h.current_public_expense().text(ONSHI_FIELD_PUBLIC_EXPENSE_SOURCE) == std::optional<std::string>("pmh"));
    expect_error(ONSHI_HISTORY_WRONG_KIND, [&] { h.current(); });

    auto card = onshi::Qualification::from_json(
        R"({"insurer_number":"01130012","insured_card_symbol":"60","insured_identification_number":"6001",)"
        R"("insured_branch_number":"00","birthdate":"1975-06-01"})");
    auto res = client.query(onshi::Document::individual_request("1310000003", card, today), 20000);
    auto d = h.review(res, std::nullopt, std::string_view("visit-2"));
    CHECK(d.verdict() == ONSHI_VERDICT_NEW_QUALIFICATION);
    CHECK(d.kind() == ONSHI_KIND_PUBLIC_EXPENSE);
    auto cap = d.find(ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT);
    CHECK(cap.has_value());
    if (cap) {
        CHECK(d.item_u32(ONSHI_LIST_DIFF_FIELDS, *cap, ONSHI_FIELD_DIFF_ITEM_ADVICE) == ONSHI_ADVICE_CAP_CHANGED);
        CHECK(d.item_text(ONSHI_LIST_DIFF_FIELDS, *cap, ONSHI_FIELD_DIFF_ITEM_RETURNED) == std::optional<std::string>("20000円"));
    }
    CHECK(d.registered_public_expense().u32(ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT) == 10000u);
    auto ret = d.returned_public_expense();
    CHECK(ret && ret->u32(ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT) == 20000u);
    expect_error(ONSHI_TYPE_MISMATCH, [&] { d.returned(); });
    onshi::Choices wrong;
    wrong.set(ONSHI_FIELD_ADDRESS, ONSHI_DECISION_KEEP);
    expect_error(ONSHI_HISTORY_WRONG_KIND, [&] { h.apply(d, &wrong, ONSHI_START_DATE_FIRST_OF_MONTH, "staff-1", now); });
    onshi::Choices keep_dates;
    keep_dates.set(ONSHI_FIELD_PUBLIC_EXPENSE_VALID_TO, ONSHI_DECISION_KEEP);
    CHECK(h.apply(d, &keep_dates, ONSHI_START_DATE_FIRST_OF_MONTH, "staff-1", now) == 3);
    CHECK(h.count(ONSHI_LIST_HISTORY_VERSIONS) == 2);
    CHECK(h.item_u32(ONSHI_LIST_HISTORY_VERSIONS, 0, ONSHI_FIELD_VERSION_STATE) == ONSHI_STATE_SUPERSEDED);
    CHECK(h.current_public_expense().u32(ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT) == 20000u);
    auto id2 = h.item_u32(ONSHI_LIST_HISTORY_VERSIONS, 1, ONSHI_FIELD_VERSION_ID);
    CHECK(id2.has_value());
    if (id2) h.unlink(*id2, "staff-1", now);
    CHECK(h.version_public_expense(1).u32(ONSHI_FIELD_PUBLIC_EXPENSE_MAX_COPAYMENT_AMOUNT) == 20000u);
    CHECK(onshi::History::from_json(h.to_json()).kind() == ONSHI_KIND_PUBLIC_EXPENSE);

    // Matching by the 公費 numbers PMH sent.
    onshi::Matching patients;
    std::size_t i = patients.add("K-6001");
    patients.add_public_expense(i, sent);
    auto found = patients.find(fq);
    CHECK(found.size() == 1);
    CHECK(found.size() == 1 && (found.u32(0, ONSHI_FIELD_CANDIDATE_REASON_FLAGS).value_or(0) & ONSHI_MATCH_PUBLIC_EXPENSE) != 0);

    // P62: no PMH data → unknown, never 失効; the paper 受給者証 is asked for.
    auto hp = onshi::History::create(paper, onshi_date{2025, 10, 1}, "staff-1", now);
    auto card62 = onshi::Qualification::from_json(
        R"({"insurer_number":"01130012","insured_card_symbol":"60","insured_identification_number":"6003",)"
        R"("insured_branch_number":"00","birthdate":"1959-03-03"})");
    auto res62 = client.query(onshi::Document::individual_request("1310000003", card62, today), 20000);
    auto d62 = hp.review(res62, std::nullopt, std::string_view("visit-p62"));
    CHECK(d62.verdict() == ONSHI_VERDICT_UNKNOWN);
    CHECK(d62.u32(ONSHI_FIELD_DIFF_CAUSE) == ONSHI_CAUSE_NO_PMH_DATA);
    auto notice = d62.item_text(ONSHI_LIST_DIFF_NOTICES, 0, ONSHI_FIELD_DIFF_NOTICE_MESSAGE);
    CHECK(notice && notice->find("紙の受給者証を確認してください") != std::string::npos);
    CHECK(!d62.returned_public_expense().has_value());
    std::string staff = expect_error(
        ONSHI_HISTORY_UNKNOWN, [&] { hp.apply(d62, nullptr, ONSHI_START_DATE_FIRST_OF_MONTH, "staff-1", now); }, true);
    CHECK(staff.find("紙の受給者証") != std::string::npos);
    CHECK(hp.count(ONSHI_LIST_HISTORY_VERSIONS) == 1);
    CHECK(hp.item_u32(ONSHI_LIST_HISTORY_VERSIONS, 0, ONSHI_FIELD_VERSION_STATE) == ONSHI_STATE_CURRENT);
    // A 公費 review does not apply to a qualification history.
    auto hq = onshi::History::create(fq, onshi_date{2026, 4, 1}, "staff-1", now);
    expect_error(ONSHI_HISTORY_WRONG_KIND, [&] { hq.apply(d62, nullptr, ONSHI_START_DATE_FIRST_OF_MONTH, "staff-1", now); });
    expect_error(ONSHI_HISTORY_WRONG_KIND,
                 [&] { hq.review_record(paper, "x", today, ONSHI_QUERY_KIND_RECORDS); });
    emu.stop();
}

// The careless caller in C++: threads on one record, a freed handle, a Client destroyed
// while another thread waits on it, a CancelToken, and per-call errors.
static void test_misuse() {
    auto before = onshi::live_handle_count();
    {
        auto q = onshi::Qualification::from_json(R"({"name":"見本　太郎","insurer_number":"138057"})");
        std::atomic<int> bad{0};
        std::vector<std::thread> ts;
        for (int t = 0; t < 4; t++) {
            ts.emplace_back([&, t] {
                for (int i = 0; i < 300; i++) {
                    try {
                        q.set_text(ONSHI_FIELD_NAME, (i + t) % 2 ? "見本　花子" : "見本　太郎");
                        auto n = q.text(ONSHI_FIELD_NAME);
                        if (!n || (*n != "見本　花子" && *n != "見本　太郎")) bad++;
                    } catch (...) {
                        bad++;
                    }
                }
            });
        }
        for (auto &t : ts) t.join();
        CHECK(bad == 0);
        // A handle freed behind the wrapper's back is refused, not read.
        onshi_qualification *raw = q.release();
        onshi_qualification_free(raw);
        CHECK(onshi_qualification_set_text(raw, ONSHI_FIELD_NAME, reinterpret_cast<const uint8_t *>("x"), 1) ==
              ONSHI_INVALID_HANDLE);
        onshi_qualification_free(raw);
    }
    {
        const char *root = "onshi-cpp-misuse";
        auto emu = onshi::Emulator::start(root);
        CHECK(emu.persons_json().find("\"P01\"") != std::string::npos);
        auto client = std::make_unique<onshi::Client>(onshi::Client::open(root));
        auto reg = onshi::Qualification::from_json(
            R"({"insurer_number":"01130012","insured_card_symbol":"12-34","insured_identification_number":"1001",)"
            R"("insured_branch_number":"00","birthdate":"1980-04-01"})");
        auto req = onshi::Document::individual_request("1310000003", reg, onshi_date{2025, 4, 10}, "visit-cpp");
        auto ticket = client->submit(req);
        CHECK(ticket.response_file().rfind("OQSsiquc01res_", 0) == 0);
        auto res = client->wait(ticket, 20000);
        CHECK(res.text(ONSHI_FIELD_DOCUMENT_FILE_NAME) == std::optional<std::string>(ticket.response_file()));
        emu.set_behaviour(ONSHI_BEHAVIOUR_SILENT);
        // A CancelToken stops a wait from another thread.
        onshi::CancelToken token;
        std::atomic<onshi_status> got{ONSHI_OK};
        std::string staff;
        std::thread waiter([&] {
            try {
                client->query(req, 30000, 0, &token);
            } catch (const onshi::Error &e) {
                got = e.status();
                staff = e.staff_message();
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        token.cancel();
        waiter.join();
        CHECK(got == ONSHI_TERMINAL_CANCELLED);
        CHECK(staff.find("取り消") != std::string::npos);
        CHECK(token.cancelled());
        // Destroying the Client while another thread waits on it cancels that wait.
        std::atomic<onshi_status> freed{ONSHI_OK};
        std::thread waiter2([&, raw = client->capi()] {
            onshi_document *out = nullptr;
            freed = onshi_client_next_face(raw, nullptr, 30000, nullptr, &out);
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        auto t0 = std::chrono::steady_clock::now();
        client.reset();
        waiter2.join();
        CHECK(freed == ONSHI_TERMINAL_CANCELLED);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
        // The not-answering error speaks to staff in Japanese and to developers in English.
        auto again = onshi::Client::open(root);
        try {
            again.query(req, 200);
            CHECK(!"no exception");
        } catch (const onshi::Error &e) {
            CHECK(e.status() == ONSHI_TERMINAL_NOT_ANSWERING);
            CHECK(e.staff_message().find("資格確認端末") != std::string::npos);
            CHECK(e.detail().find("no answer") != std::string::npos);
        }
    }
    CHECK(onshi::live_handle_count() == before);
}

// Issue 12: the presentation in the review, the 利用率 report (pure and from the journal),
// and the card kinds that cannot be read, each with its own status and staff text.
static void test_reception() {
    auto reg = onshi::Qualification::from_json(
        R"({"insurer_number":"39130018","insured_identification_number":"40000084","name":"確認　八十四",)"
        R"("birthdate":"1945-04-01","address":"東京都見本区見本町一丁目１番１号"})");
    auto ret = reg.clone();
    ret.clear(ONSHI_FIELD_ADDRESS);
    const onshi_datetime now{2026, 12, 7, 9, 0, 0};
    auto history = onshi::History::create(reg, onshi_date{2010, 4, 1}, "staff-1", now);
    auto d = history.review_record(ret, "OQSsiquc01res_cpp.xml", onshi_date{2026, 12, 7}, ONSHI_QUERY_KIND_INSURANCE_CARD,
                                   ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE);
    CHECK(d.u32(ONSHI_FIELD_DIFF_PRESENTATION) == std::optional<uint32_t>(ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE));
    CHECK(!d.u32(ONSHI_FIELD_DIFF_CLINIC_KIND).has_value());
    auto dental = history.review_record(ret, "OQSsiquc01res_cpp3.xml", onshi_date{2026, 12, 7},
                                        ONSHI_QUERY_KIND_INSURANCE_CARD, ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE,
                                        ONSHI_CLINIC_KIND_DENTAL);
    CHECK(dental.u32(ONSHI_FIELD_DIFF_PRESENTATION) ==
          std::optional<uint32_t>(ONSHI_PRESENTATION_QUALIFICATION_CERTIFICATE));
    CHECK(dental.u32(ONSHI_FIELD_DIFF_CLINIC_KIND) == std::optional<uint32_t>(ONSHI_CLINIC_KIND_DENTAL));
    auto address = d.find(ONSHI_FIELD_ADDRESS);
    CHECK(address.has_value() &&
          d.item_u32(ONSHI_LIST_DIFF_FIELDS, *address, ONSHI_FIELD_DIFF_ITEM_ADVICE) == ONSHI_ADVICE_ADDRESS_NOT_ON_CERTIFICATE);
    auto face = history.review_record(ret, "OQSsiquc01res_cpp2.xml", onshi_date{2026, 12, 7},
                                      ONSHI_QUERY_KIND_MY_NUMBER_CARD, ONSHI_PRESENTATION_OTHER_DOCUMENT);
    CHECK(face.u32(ONSHI_FIELD_DIFF_PRESENTATION) == std::optional<uint32_t>(ONSHI_PRESENTATION_MY_NUMBER_CARD));
    expect_error(ONSHI_INVALID_ARGUMENT, [&] {
        history.review_record(ret, "x", onshi_date{2026, 12, 7}, ONSHI_QUERY_KIND_INSURANCE_CARD, 42);
    });

    const char *visits =
        R"([{"date":"2026-12-01","patient_id":"1","presentation":"my_number_card","recorded_at":"2026-12-01T09:00:00"},)"
        R"({"date":"2026-12-02","patient_id":"2","presentation":"qualification_certificate","recorded_at":"2026-12-02T09:00:00"},)"
        R"({"date":"2026-11-02","patient_id":"3","presentation":"qualification_certificate","recorded_at":"2026-11-02T09:00:00"}])";
    auto json = onshi::usage_report(visits, 2026, 12);
    CHECK(json.find("\"patients\":2") != std::string::npos);
    CHECK(json.find("\"rate_basis_points\":5000") != std::string::npos);
    CHECK(onshi::usage_report(visits, 2026, 11, ONSHI_REPORT_FORMAT_TEXT).find("0.00%") != std::string::npos);
    CHECK(onshi::usage_report(visits, 2026, 12, ONSHI_REPORT_FORMAT_CSV).rfind("\xEF\xBB\xBF", 0) == 0);
    expect_error(ONSHI_JSON, [&] { onshi::usage_report("{}", 2026, 12); });
    expect_error(ONSHI_INVALID_VALUE, [&] { onshi::usage_report("[]", 2026, 13); });

    auto client = onshi::Client::open("onshi-cpp-reception", R"({"create_folders":true})");
    client.record_visit(onshi_date{2026, 12, 1}, "K-1", ONSHI_PRESENTATION_MY_NUMBER_SMARTPHONE);
    client.record_visit(onshi_date{2026, 12, 3}, "K-2", ONSHI_PRESENTATION_OTHER_DOCUMENT, "OQSsiquc01res_k2.xml");
    client.record_visit(onshi_date{2026, 12, 3}, "K-2", ONSHI_PRESENTATION_OTHER_DOCUMENT, "OQSsiquc01res_k2.xml");
    auto r = client.usage_report(2026, 12);
    CHECK(r.find("\"visits\":2") != std::string::npos && r.find("\"rate_basis_points\":5000") != std::string::npos);
    expect_error(ONSHI_TERMINAL_INVALID_REQUEST,
                 [&] { client.record_visit(onshi_date{2026, 12, 1}, "", ONSHI_PRESENTATION_MY_NUMBER_CARD); });

    const struct {
        const char *config;
        onshi_status want;
        const char *says;
    } kinds[] = {
        {R"({"mode":"android_smartphone"})", ONSHI_CARD_SMARTPHONE, "顔認証付きカードリーダー"},
        {R"({"mode":"face_auth_card"})", ONSHI_CARD_FACE_AUTH_CARD, "顔認証"},
        {R"({"mode":"locked_pin"})", ONSHI_CARD_PIN_LOCKED, "市区町村"},
        {R"({"mode":"other_card"})", ONSHI_CARD_NOT_MY_NUMBER_CARD, "記号・番号"},
    };
    for (const auto &k : kinds) {
        auto staff = expect_error(
            k.want,
            [&] {
                auto card = onshi::Card::open_virtual(k.config);
                card.recognise();
                card.read_basic_info("1234");
            },
            true);
        CHECK(staff.find(k.says) != std::string::npos);
    }
}

int main() {
    try {
        test_free_functions();
        test_record();
        test_fidelity();
        test_diff_history_matching_card();
        test_reception();
        test_terminal_flow();
        test_terminal_2026();
        test_public_expense();
        test_misuse();
        CHECK(second_tu_uses_the_header() == 2);
    } catch (const std::exception &e) {
        failed++;
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
