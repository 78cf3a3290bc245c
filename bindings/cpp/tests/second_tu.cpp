// A second translation unit including onshi.hpp: linking it with test_onshi.cpp proves the
// header defines nothing twice.
#include "onshi.hpp"

int second_tu_uses_the_header() {
    onshi::Qualification q;
    q.set_text(ONSHI_FIELD_SEX1, "2");
    return q.text(ONSHI_FIELD_SEX1) == std::optional<std::string>("2") ? 2 : 0;
}
