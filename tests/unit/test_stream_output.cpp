// FollowRenderer (tcpvet follow) and StreamDumper (--dump-streams) fed directly with stream events.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/report/follow.hpp"
#include "tcpvet/report/stream_dumper.hpp"
#include "test_decode_support.hpp"

namespace {

using tcpvet::Bytes;
using tcpvet::flow::Conversation;
using tcpvet::report::FollowDirection;
using tcpvet::report::FollowFormat;
using tcpvet::report::FollowOptions;
using tcpvet::report::FollowRenderer;
using tcpvet::report::StreamDumper;
using tcpvet::test_support::ipv4;

Conversation conversation(std::uint32_t stream) {
    Conversation c;
    c.stream = stream;
    c.side[0].endpoint = {ipv4(198, 51, 100, 7), 50000};
    c.side[1].endpoint = {ipv4(192, 0, 2, 10), 8000};
    return c;
}

Bytes bytes(const std::string& text) { return {reinterpret_cast<const std::byte*>(text.data()), text.size()}; }

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_SUITE("follow") {
    TEST_CASE("ascii: chunks in delivery order, markers, non-printables as dots, gaps") {
        const Conversation c = conversation(3);
        const Conversation other = conversation(4);
        std::ostringstream out;
        std::ostringstream notes;
        FollowRenderer renderer(FollowOptions{3, FollowDirection::both, FollowFormat::ascii}, out, notes);
        const std::string request = "GET / HTTP/1.1\r\n\r\n";
        const std::string reply = "HTTP/1.1 200 OK\r\n\r\n\x01\x02";
        renderer.on_stream_data(c, 0, 0, bytes(request));
        renderer.on_stream_data(other, 0, 0, bytes("not this stream"));
        renderer.on_stream_data(c, 1, 0, bytes(reply));
        renderer.on_stream_gap(c, 1, 21, 100);
        renderer.on_stream_data(c, 1, 121, bytes("tail"));
        renderer.finish();
        CHECK(renderer.found());
        CHECK(out.str() ==
              "===================================================================\n"
              "Follow: tcp,ascii\n"
              "Filter: tcp.stream eq 3\n"
              "Node 0: 198.51.100.7:50000 (client)\n"
              "Node 1: 192.0.2.10:8000 (server)\n"
              "client> offset 0\n"
              "GET / HTTP/1.1.\n.\n"
              "server< offset 0\n"
              "HTTP/1.1 200 OK.\n.\n..\n"
              "[gap: 100 bytes missing at offset 21]\n"
              "tail\n"
              "===================================================================\n");
        CHECK(notes.str().empty());
    }

    TEST_CASE("hex: offsets, 16 bytes a line, a partial line closed by a gap") {
        const Conversation c = conversation(0);
        std::ostringstream out;
        std::ostringstream notes;
        FollowRenderer renderer(FollowOptions{0, FollowDirection::server, FollowFormat::hex}, out, notes);
        renderer.on_stream_data(c, 0, 0, bytes("client bytes are not shown"));
        renderer.on_stream_data(c, 1, 0, bytes("0123456789abcdefXYZ"));
        renderer.on_stream_gap(c, 1, 19, 5);
        renderer.on_stream_data(c, 1, 24, bytes("!"));
        renderer.finish();
        const std::string text = out.str();
        CHECK(text.find("client>") == std::string::npos);
        CHECK(text.find("server< offset 0\n"
                        "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
                        "00000010  58 59 5a                                          |XYZ|\n"
                        "[gap: 5 bytes missing at offset 19]\n"
                        "00000018  21                                                |!|\n") != std::string::npos);
    }

    TEST_CASE("raw: exact bytes, gaps only on the notes stream") {
        const Conversation c = conversation(1);
        std::ostringstream out;
        std::ostringstream notes;
        FollowRenderer renderer(FollowOptions{1, FollowDirection::both, FollowFormat::raw}, out, notes);
        renderer.on_stream_data(c, 0, 0, bytes(std::string("a\0b", 3)));
        renderer.on_stream_gap(c, 1, 0, 7);
        renderer.on_stream_data(c, 1, 7, bytes("srv"));
        renderer.on_stream_data(c, 0, 3, bytes("c"));
        renderer.finish();
        CHECK(out.str() == std::string("a\0bsrvc", 7));
        CHECK(notes.str() == "tcpvet: follow: stream 1 server: gap: 7 bytes missing at offset 0 (not written)\n");
    }

}  // TEST_SUITE

TEST_SUITE("stream_dumper") {
    TEST_CASE("one file per direction, named from the 5-tuple, bytes at their offsets, bounded open files") {
        const std::filesystem::path dir = std::filesystem::temp_directory_path() / "tcpvet-unit-stream-dumper";
        std::filesystem::remove_all(dir);
        {
            StreamDumper dumper(dir.string(), 1);  // one open file at a time: every switch reopens
            REQUIRE(dumper.prepare());
            const Conversation a = conversation(3);
            Conversation b = conversation(12);
            b.side[0].endpoint.addr.family = 6;
            b.side[0].endpoint.addr.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
            CHECK(StreamDumper::file_name(a, 0) == "stream-000003_198.51.100.7.50000-192.0.2.10.8000.client");
            CHECK(StreamDumper::file_name(b, 1) == "stream-000012_2001-db8--1.50000-192.0.2.10.8000.server");
            dumper.on_stream_data(a, 0, 0, bytes("hello "));
            dumper.on_stream_data(b, 1, 0, bytes("other"));
            dumper.on_stream_data(a, 1, 0, bytes("reply"));
            dumper.on_stream_gap(a, 0, 6, 2);
            dumper.on_stream_data(a, 0, 8, bytes("world"));
            dumper.on_stream_gap(a, 1, 5, 3);  // a trailing gap still extends the file
            dumper.on_conversation_end(a);
            dumper.on_conversation_end(b);
            CHECK(dumper.stats().files == 3);
            CHECK(dumper.stats().reopened >= 1);
            CHECK(dumper.stats().errors == 0);
            CHECK(dumper.stats().bytes == 21);
            CHECK(dumper.stats().gaps == 2);
        }
        CHECK(slurp(dir / "stream-000003_198.51.100.7.50000-192.0.2.10.8000.client") ==
              std::string("hello \0\0world", 13));
        CHECK(slurp(dir / "stream-000003_198.51.100.7.50000-192.0.2.10.8000.server") == std::string("reply\0\0\0", 8));
        CHECK(slurp(dir / "stream-000012_2001-db8--1.50000-192.0.2.10.8000.server") == "other");
        std::filesystem::remove_all(dir);
    }

    TEST_CASE("file names stay inside the directory: no '/', no leading '.', so no ../ and no temporaries") {
        CHECK(StreamDumper::is_plain_file_name("stream-000003_198.51.100.7.50000-192.0.2.10.8000.client"));
        CHECK_FALSE(StreamDumper::is_plain_file_name(""));
        CHECK_FALSE(StreamDumper::is_plain_file_name("."));
        CHECK_FALSE(StreamDumper::is_plain_file_name(".."));
        CHECK_FALSE(StreamDumper::is_plain_file_name("../victim"));
        CHECK_FALSE(StreamDumper::is_plain_file_name("stream-1/../../victim"));
        CHECK_FALSE(StreamDumper::is_plain_file_name("/etc/passwd"));
        CHECK_FALSE(StreamDumper::is_plain_file_name(".stream-000001.client.42"));
        CHECK_FALSE(StreamDumper::is_plain_file_name(std::string_view("ab\0c", 4)));
        // Whatever the addresses, the names made are plain (IPv6 ':' and '::' included).
        Conversation v6 = conversation(7);
        v6.side[1].endpoint.addr.family = 6;
        v6.side[1].endpoint.addr.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
        for (unsigned side = 0; side < 2; ++side) {
            CHECK(StreamDumper::is_plain_file_name(StreamDumper::file_name(v6, side)));
            CHECK(StreamDumper::is_plain_file_name(StreamDumper::file_name(conversation(0), side)));
        }
    }

}  // TEST_SUITE
