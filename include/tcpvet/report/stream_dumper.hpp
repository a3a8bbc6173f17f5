// --dump-streams: each direction's reassembled bytes to its own file (tcpflow-like), named from the 5-tuple only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tcpvet/flow/tracker.hpp"

namespace tcpvet::report {

struct StreamDumpStats {
    std::uint64_t files = 0;     // files created
    std::uint64_t bytes = 0;     // bytes written
    std::uint64_t gaps = 0;      // holes left in the files (zeros, as tcpflow leaves them)
    std::uint64_t reopened = 0;  // files closed for the open-file bound and opened again
    std::uint64_t errors = 0;    // open or write failures (first one in error())
};

// Writes DIR/stream-NNNNNN_<client addr>.<port>-<server addr>.<port>.{client,server}: the bytes the
// client (resp. server) sent, each at its stream offset, so a gap leaves a hole of zeros and the file
// size is the stream length. IPv6 ':' become '-'. Names never come from packet content. A file opens
// when its first byte arrives and closes when the conversation ends; at most `max_open` stay open
// (the least recently written is closed and reopened on demand).
//
// Safe in a directory others can write to: every file is opened relative to a descriptor of DIR,
// created as a hidden temporary (O_CREAT|O_EXCL|O_NOFOLLOW, so a planted file or symlink is never
// opened) and renamed onto its name when its conversation ends; a reopened file must still be the
// inode created. A name that is one of `protected_paths` (the inputs) as the same file is never replaced.
class StreamDumper : public flow::TrackerObserver {
public:
    explicit StreamDumper(std::string directory, std::size_t max_open = 64,
                          std::vector<std::string> protected_paths = {});
    ~StreamDumper() override;
    StreamDumper(const StreamDumper&) = delete;
    StreamDumper& operator=(const StreamDumper&) = delete;

    // Creates the directory if needed; false (see error()) when it cannot be used.
    bool prepare();
    // Renames the files of conversations that have not ended into place (the destructor does it too).
    void finish();

    void on_stream_data(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                        Bytes data) override;
    void on_stream_gap(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                       std::uint64_t length) override;
    void on_conversation_end(const flow::Conversation& conversation) override;
    bool wants_half_open_conversation() override { return false; }

    [[nodiscard]] const StreamDumpStats& stats() const noexcept { return m_stats; }
    [[nodiscard]] const std::string& error() const noexcept { return m_error; }

    // The file name (without directory) for one side of a conversation.
    [[nodiscard]] static std::string file_name(const flow::Conversation& conversation, unsigned side);
    // A name that stays inside DIR: not empty, no '/' or NUL, not starting with '.' (so not "..", and
    // never one of the hidden temporaries). file_name() always gives one; every open checks it again.
    [[nodiscard]] static bool is_plain_file_name(std::string_view name) noexcept;

private:
    struct OpenFile {
        int fd = -1;
        std::string temporary;    // the hidden name written until the conversation ends
        std::uint64_t inode = 0;  // of the file created, checked on every reopen
        std::uint64_t key = 0;    // stream * 2 + side
        std::uint64_t base = 0;   // file offset of stream offset 0 (non-zero when a stream number resumes)
        std::uint64_t last_use = 0;
        std::uint64_t stream_end = 0;  // highest stream offset reached, data or gap
        bool failed = false;
    };

    OpenFile* file_for(const flow::Conversation& conversation, unsigned side);
    bool open_file(OpenFile& file, const flow::Conversation& conversation, unsigned side, bool fresh);
    void close_file(std::uint64_t key, OpenFile& file);
    bool create_temporary(OpenFile& file, const std::string& name);
    bool reopen(OpenFile& file, const std::string& name, const std::string& path);
    void put_in_place(OpenFile& file, const std::string& name);
    void settle(OpenFile& file, const std::string& name);
    void fail(const std::string& what);

    std::string m_directory;
    std::size_t m_max_open;
    std::vector<std::string> m_protected_paths;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> m_protected;  // (st_dev, st_ino) of the inputs
    int m_directory_fd = -1;
    std::vector<std::uint64_t> m_open_keys;  // keys of the files open now (at most m_max_open)
    std::uint64_t m_clock = 0;
    std::unordered_map<std::uint64_t, OpenFile> m_files;  // key: stream * 2 + side, for live conversations
    // stream * 2 + side -> inode of the file made this run (after its conversation ended, under its
    // own name): a stream number that resumes appends to it, if it is still that file.
    std::unordered_map<std::uint64_t, std::uint64_t> m_created;
    StreamDumpStats m_stats{};
    std::string m_error;
};

}  // namespace tcpvet::report
