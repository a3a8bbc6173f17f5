// The streaming JSON writer: its output must parse, with the values and escapes it was given.
#include <doctest/doctest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "tcpvet/report/json_writer.hpp"

using tcpvet::report::JsonWriter;

namespace {
std::string key_name(int i) {
    std::string name = "k";
    name += std::to_string(i);
    return name;
}
}  // namespace

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

    TEST_CASE("short and long keys and strings, empty ones, and every value kind after a comma") {
        const std::string long_key(70, 'k');    // past the keys written in one append (48 characters)
        const std::string long_text(300, 'x');  // a long run with nothing to escape
        const std::string long_escaped = long_text + "\"";
        std::string out;
        JsonWriter w(out);
        w.begin_object();
        w.member("", std::string_view(""));
        w.member(long_key, std::string_view(long_text));
        w.member("esc", std::string_view(long_escaped));
        w.member("t", true);
        w.member("f", false);
        w.null_member("n");
        w.member("u", std::uint64_t{18446744073709551615ULL});
        w.member("i", std::int64_t{-9223372036854775807LL - 1});
        w.member("d", -1.5e-300);
        w.key("arr");
        w.begin_array();
        w.value(std::string_view(""));
        w.value(false);
        w.null();
        w.value(std::uint64_t{0});
        w.value(std::int64_t{-1});
        w.value(0.1);
        w.value(std::string_view(long_text));
        w.end_array();
        w.end_object();
        CHECK(out == "{\"\":\"\",\"" + long_key + "\":\"" + long_text + "\",\"esc\":\"" + long_text +
                         "\\\"\",\"t\":true,\"f\":false,\"n\":null,\"u\":18446744073709551615,"
                         "\"i\":-9223372036854775808,\"d\":-1.5e-300,\"arr\":[\"\",false,null,0,-1,0.1,\"" +
                         long_text + "\"]}");
        const auto parsed = nlohmann::json::parse(out);
        CHECK(parsed[long_key].get<std::string>() == long_text);
        CHECK(parsed["esc"].get<std::string>() == long_escaped);
        CHECK(parsed["arr"].size() == 7);
    }

    TEST_CASE("keys at the one-append limit (48 characters) and one past it, first and after a comma") {
        const std::string at_limit(48, 'a');
        const std::string past_limit(49, 'b');
        std::string out;
        JsonWriter w(out);
        w.begin_object();
        w.member(at_limit, std::uint64_t{1});
        w.member(past_limit, std::uint64_t{2});
        const std::string at_limit_too(48, 'c');  // after a comma: the longest one-append write
        w.member(at_limit_too, std::uint64_t{3});
        w.end_object();
        CHECK(out == "{\"" + at_limit + "\":1,\"" + past_limit + "\":2,\"" + at_limit_too + "\":3}");
    }

    TEST_CASE("top-level values have no separator") {
        std::string out;
        JsonWriter w(out);
        w.value(true);
        w.null();
        w.value(std::uint64_t{3});
        CHECK(out == "truenull3");
    }
    TEST_CASE("the string holds exactly the text at the top level, however often it grew") {
        std::string out = "[";  // appended to, not replaced
        std::string expected = "[";
        {
            JsonWriter w(out);
            w.begin_object();
            CHECK(out.size() >= 2);           // room may follow while inside a value
            for (int i = 0; i < 3000; ++i) {  // ~60 KB: grows past any first capacity
                w.member(key_name(i), std::uint64_t{1234567890});
            }
            w.end_object();
            CHECK(out.size() == out.find_last_of('}') + 1);  // cut at the end of the value
        }
        expected += "{";
        for (int i = 0; i < 3000; ++i)
            expected.append(i == 0 ? "\"" : ",\"").append(key_name(i)).append("\":1234567890");
        expected += "}";
        CHECK(out == expected);
        // Reused for another record: the second is appended right after the first.
        {
            JsonWriter w(out);
            w.begin_array();
            w.value("x");
            w.end_array();
        }
        CHECK(out == expected + "[\"x\"]");
    }

    TEST_CASE("a writer that stops inside a value leaves the text it wrote, and no room after it") {
        std::string out;
        {
            JsonWriter w(out);
            w.begin_object();
            w.member("a", true);
            w.key("b");
            w.begin_array();
            w.value(std::int64_t{-7});
        }
        CHECK(out == R"({"a":true,"b":[-7)");
    }
}
