// onshi.hpp — header-only C++17 RAII wrapper over the onshi C ABI (include/onshi.h).
//
// * Handles are move-only classes owning a std::unique_ptr with the C _free as deleter;
//   capi() borrows the raw pointer, release() gives up ownership.
// * A failing call throws onshi::Error, which carries the onshi_status and the library's
//   message (the handle's last error, or the onshi_error of a free function).
// * Absent values are std::nullopt, never an exception.
// * Strings are UTF-8 std::string / std::string_view; CP932 callers convert first.
//
// Every function is inline, so the header can be included from many translation units.
#ifndef ONSHI_HPP
#define ONSHI_HPP

#include "onshi.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onshi {

/// A failed call: the status and the library's message.
class Error : public std::runtime_error {
public:
    Error(onshi_status status, const std::string &message)
        : std::runtime_error(message), status_(status) {}

    /// The onshi_status of the failed call (never ONSHI_OK).
    onshi_status status() const noexcept { return status_; }

private:
    onshi_status status_;
};

namespace detail {

inline const uint8_t *bytes(std::string_view s) noexcept {
    return reinterpret_cast<const uint8_t *>(s.data());
}

/// Size query, then fill. `call(buf, cap, &len)` is any text-out function of the C ABI.
template <class Call>
onshi_status read_text(Call &&call, std::string &out) {
    char small[128];
    std::size_t n = 0;
    onshi_status s = call(small, sizeof small, &n);
    if (s == ONSHI_OK) {
        out.assign(small, n);
        return s;
    }
    while (s == ONSHI_BUFFER_TOO_SMALL) {
        std::string buf(n + 1, '\0');
        s = call(buf.data(), buf.size(), &n);
        if (s == ONSHI_OK) {
            buf.resize(n);
            out = std::move(buf);
        }
    }
    return s;
}

inline std::string status_message(onshi_status status) {
    std::string text;
    read_text([&](char *b, std::size_t c, std::size_t *n) { return onshi_status_message(status, b, c, n); },
              text);
    return text;
}

struct ErrorDeleter {
    void operator()(onshi_error *e) const noexcept { onshi_error_free(e); }
};

struct QualificationDeleter {
    void operator()(onshi_qualification *q) const noexcept { onshi_qualification_free(q); }
};

/// Runs a free function with a temporary onshi_error and throws its message on failure.
template <class Call>
void call_with_error(Call &&call) {
    std::unique_ptr<onshi_error, ErrorDeleter> err(onshi_error_new());
    if (!err) throw std::bad_alloc();
    onshi_status s = call(err.get());
    if (s == ONSHI_OK) return;
    std::string message;
    read_text([&](char *b, std::size_t c, std::size_t *n) { return onshi_error_message(err.get(), b, c, n); },
              message);
    if (message.empty()) message = status_message(s);
    throw Error(s, message);
}

inline void check(onshi_status s) {
    if (s != ONSHI_OK) throw Error(s, status_message(s));
}

}  // namespace detail

/// The version of the loaded library ("MAJOR.MINOR.PATCH").
inline std::string version() {
    std::string v;
    detail::check(detail::read_text(onshi_version, v));
    return v;
}

/// The symbolic name of a status ("ONSHI_NULL_PARAMETER"), or "" for an unassigned number.
inline std::string status_name(onshi_status status) {
    std::string v;
    detail::read_text([&](char *b, std::size_t c, std::size_t *n) { return onshi_status_name(status, b, c, n); },
                      v);
    return v;
}

/// A short English description of any status.
inline std::string status_message(onshi_status status) { return detail::status_message(status); }

/// Throws onshi::Error (ONSHI_ID_CHECK_DIGIT and the expected digit) unless the check digit holds.
inline void check_digit_verify(std::string_view number) {
    detail::call_with_error(
        [&](onshi_error *e) { return onshi_check_digit_verify(e, detail::bytes(number), number.size()); });
}

/// The check digit of a body of ASCII digits.
inline uint8_t check_digit_compute(std::string_view body) {
    uint8_t d = 0;
    detail::check(onshi_check_digit_compute(detail::bytes(body), body.size(), &d));
    return d;
}

/// Parses an identifier and returns its normalized form.
inline std::string normalize_id(onshi_id_kind kind, std::string_view input, onshi_mode mode = ONSHI_MODE_STRICT) {
    std::string out;
    detail::call_with_error([&](onshi_error *e) {
        return detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) {
                return onshi_id_normalize(e, kind, mode, detail::bytes(input), input.size(), b, c, n);
            },
            out);
    });
    return out;
}

/// Parses a 保険者番号 and returns it space-padded to 8, as request files carry it.
inline std::string insurer_number_to_wire(std::string_view input, onshi_mode mode = ONSHI_MODE_STRICT) {
    std::string out;
    detail::call_with_error([&](onshi_error *e) {
        return detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) {
                return onshi_insurer_number_to_wire(e, mode, detail::bytes(input), input.size(), b, c, n);
            },
            out);
    });
    return out;
}

/// Parses a 保険者番号 and returns its ONSHI_INSURER_* flags.
inline uint32_t insurer_number_flags(std::string_view input, onshi_mode mode = ONSHI_MODE_STRICT) {
    uint32_t flags = 0;
    detail::call_with_error([&](onshi_error *e) {
        return onshi_insurer_number_flags(e, mode, detail::bytes(input), input.size(), &flags);
    });
    return flags;
}

/// The Japanese label of a code value ("不明なコード" when unknown).
inline std::string code_label(onshi_code_table table, std::string_view wire) {
    std::string out;
    detail::check(detail::read_text(
        [&](char *b, std::size_t c, std::size_t *n) {
            return onshi_code_label(table, detail::bytes(wire), wire.size(), b, c, n);
        },
        out));
    return out;
}

/// Whether the library knows a code value.
inline bool code_is_known(onshi_code_table table, std::string_view wire) {
    bool known = false;
    detail::check(onshi_code_is_known(table, detail::bytes(wire), wire.size(), &known));
    return known;
}

/// Every known wire value of a table, in table order.
inline std::vector<std::string> code_values(onshi_code_table table) {
    std::size_t count = 0;
    detail::check(onshi_code_count(table, &count));
    std::vector<std::string> values(count);
    for (std::size_t i = 0; i < count; i++) {
        detail::check(detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_code_wire_at(table, i, b, c, n); }, values[i]));
    }
    return values;
}

/// A qualification record (資格). Move-only; copy with clone().
class Qualification {
public:
    /// An empty record.
    Qualification() : ptr_(onshi_qualification_new()) {
        if (!ptr_) throw std::bad_alloc();
    }

    /// Takes ownership of a raw handle (NULL is not allowed).
    explicit Qualification(onshi_qualification *raw) : ptr_(raw) {
        if (!ptr_) throw Error(ONSHI_NULL_PARAMETER, "NULL onshi_qualification");
    }

    Qualification(Qualification &&) noexcept = default;
    Qualification &operator=(Qualification &&) noexcept = default;
    Qualification(const Qualification &) = delete;
    Qualification &operator=(const Qualification &) = delete;

    /// Reads a record from JSON (the documented record schema); throws ONSHI_JSON with the position.
    static Qualification from_json(std::string_view json) {
        onshi_qualification *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_qualification_from_json(e, detail::bytes(json), json.size(), &raw);
        });
        return Qualification(raw);
    }

    /// An independent copy.
    Qualification clone() const {
        onshi_qualification *raw = nullptr;
        check(onshi_qualification_clone(capi(), &raw));
        return Qualification(raw);
    }

    /// The record as JSON.
    std::string to_json() const {
        return text_or_throw([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_qualification_to_json(capi(), b, c, n);
        });
    }

    bool operator==(const Qualification &other) const {
        bool eq = false;
        check(onshi_qualification_equal(capi(), other.capi(), &eq));
        return eq;
    }
    bool operator!=(const Qualification &other) const { return !(*this == other); }

    /// A field as text; nullopt when absent.
    std::optional<std::string> text(onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_qualification_get_text(capi(), field, b, c, n);
        });
    }
    void set_text(onshi_field field, std::string_view value) {
        check(onshi_qualification_set_text(capi(), field, detail::bytes(value), value.size()));
    }
    void clear(onshi_field field) { check(onshi_qualification_clear(capi(), field)); }

    std::optional<onshi_date> date(onshi_field field) const {
        onshi_date d{};
        return optional(onshi_qualification_get_date(capi(), field, &d), d);
    }
    void set_date(onshi_field field, const onshi_date &value) {
        check(onshi_qualification_set_date(capi(), field, &value));
    }
    std::optional<onshi_datetime> datetime(onshi_field field) const {
        onshi_datetime t{};
        return optional(onshi_qualification_get_datetime(capi(), field, &t), t);
    }
    void set_datetime(onshi_field field, const onshi_datetime &value) {
        check(onshi_qualification_set_datetime(capi(), field, &value));
    }
    /// An integer or ratio (percent) field.
    std::optional<uint32_t> u32(onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_qualification_get_u32(capi(), field, &v), v);
    }
    void set_u32(onshi_field field, uint32_t value) { check(onshi_qualification_set_u32(capi(), field, value)); }

    /// Number of items of a list.
    std::size_t count(onshi_list list) const {
        std::size_t n = 0;
        check(onshi_qualification_count(capi(), list, &n));
        return n;
    }
    /// Appends an empty item; returns its index.
    std::size_t add_item(onshi_list list) {
        std::size_t i = 0;
        check(onshi_qualification_item_add(capi(), list, &i));
        return i;
    }
    void remove_item(onshi_list list, std::size_t index) {
        check(onshi_qualification_item_remove(capi(), list, index));
    }
    std::optional<std::string> item_text(onshi_list list, std::size_t index, onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_qualification_item_get_text(capi(), list, index, field, b, c, n);
        });
    }
    void set_item_text(onshi_list list, std::size_t index, onshi_field field, std::string_view value) {
        check(onshi_qualification_item_set_text(capi(), list, index, field, detail::bytes(value), value.size()));
    }
    void clear_item(onshi_list list, std::size_t index, onshi_field field) {
        check(onshi_qualification_item_clear(capi(), list, index, field));
    }
    std::optional<onshi_date> item_date(onshi_list list, std::size_t index, onshi_field field) const {
        onshi_date d{};
        return optional(onshi_qualification_item_get_date(capi(), list, index, field, &d), d);
    }
    void set_item_date(onshi_list list, std::size_t index, onshi_field field, const onshi_date &value) {
        check(onshi_qualification_item_set_date(capi(), list, index, field, &value));
    }
    std::optional<onshi_datetime> item_datetime(onshi_list list, std::size_t index, onshi_field field) const {
        onshi_datetime t{};
        return optional(onshi_qualification_item_get_datetime(capi(), list, index, field, &t), t);
    }
    void set_item_datetime(onshi_list list, std::size_t index, onshi_field field, const onshi_datetime &value) {
        check(onshi_qualification_item_set_datetime(capi(), list, index, field, &value));
    }
    std::optional<uint32_t> item_u32(onshi_list list, std::size_t index, onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_qualification_item_get_u32(capi(), list, index, field, &v), v);
    }
    void set_item_u32(onshi_list list, std::size_t index, onshi_field field, uint32_t value) {
        check(onshi_qualification_item_set_u32(capi(), list, index, field, value));
    }

    /// 医療扶助 (生活保護)?
    bool is_public_assistance() const {
        bool v = false;
        check(onshi_qualification_is_public_assistance(capi(), &v));
        return v;
    }
    /// Why the coverage cannot be confirmed by card number (Japanese); nullopt when it can.
    std::optional<std::string> card_number_reason() const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_qualification_card_number_reason(capi(), b, c, n);
        });
    }
    /// Whether consent item `index` is agreed and not expired at `now`.
    bool consent_valid_at(std::size_t index, const onshi_datetime &now) const {
        bool v = false;
        check(onshi_qualification_consent_valid_at(capi(), index, &now, &v));
        return v;
    }

    /// The message of the most recent failed call on this record.
    std::string last_error() const {
        std::string m;
        detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_qualification_last_error(capi(), b, c, n); },
            m);
        return m;
    }

    /// Borrows the raw handle (still owned by this object).
    const onshi_qualification *capi() const noexcept { return ptr_.get(); }
    onshi_qualification *capi() noexcept { return ptr_.get(); }
    /// Gives up ownership; the caller must free the handle with onshi_qualification_free.
    onshi_qualification *release() noexcept { return ptr_.release(); }

private:
    void check(onshi_status s) const {
        if (s == ONSHI_OK) return;
        std::string m = ptr_ ? last_error() : std::string();
        if (m.empty()) m = detail::status_message(s);
        throw Error(s, m);
    }
    template <class T>
    std::optional<T> optional(onshi_status s, const T &value) const {
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        check(s);
        return value;
    }
    template <class Call>
    std::optional<std::string> optional_text(Call &&call) const {
        std::string out;
        onshi_status s = detail::read_text(call, out);
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        check(s);
        return out;
    }
    template <class Call>
    std::string text_or_throw(Call &&call) const {
        std::string out;
        check(detail::read_text(call, out));
        return out;
    }

    std::unique_ptr<onshi_qualification, detail::QualificationDeleter> ptr_;
};

}  // namespace onshi

#endif  // ONSHI_HPP
