// The streaming JSON writer: its output must parse, with the values and escapes it was given.
#include <doctest/doctest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "tcpvet/report/json_writer.hpp"

using tcpvet::report::JsonWriter;

TEST_SUITE("json_writer") {
    TEST_CASE("nested objects and arrays with separators") {
        std::string out;
        JsonWriter w(out);
        w.begin_object();
        w.member("a", std::uint64_t{1});
        w.key("list");
        w.begin_array();
        w.value(std::int64_t{-2});
        w.begin_object();
        w.end_object();
        w.null();
        w.value(true);
        w.end_array();
        w.member("pi", 3.25);
        w.null_member("none");
        w.end_object();
        CHECK(out == R"({"a":1,"list":[-2,{},null,true],"pi":3.25,"none":null})");
        CHECK(nlohmann::json::parse(out).size() == 4);
    }

    TEST_CASE("strings are escaped per RFC 8259") {
        const std::string nasty = std::string("q\"b\\n\nr\rt\t") + '\x01' + '\x1f' + "\xc3\xa9";
        std::string out;
        JsonWriter w(out);
        w.begin_object();
        w.member("s", std::string_view(nasty));
        w.end_object();
        CHECK(out == "{\"s\":\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\\u001f\xc3\xa9\"}");
        CHECK(nlohmann::json::parse(out)["s"].get<std::string>() == nasty);
    }

    TEST_CASE("non-finite doubles become null") {
        std::string out;
        JsonWriter w(out);
        w.begin_array();
        w.value(std::numeric_limits<double>::infinity());
        w.value(0.001);
        w.end_array();
        CHECK(nlohmann::json::parse(out)[0].is_null());
        CHECK(nlohmann::json::parse(out)[1].get<double>() == doctest::Approx(0.001));
    }
}
