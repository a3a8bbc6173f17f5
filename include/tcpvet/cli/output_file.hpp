// Output files that can never destroy an input: a clash check by device and inode, and a report
// written to a temporary file beside its target and renamed into place only once it is complete.
#pragma once

#include <sys/types.h>

#include <array>
#include <optional>
#include <streambuf>
#include <string>
#include <vector>

namespace tcpvet::cli {

// The file a path names, through symlinks (stat): two paths are the same file when these match.
struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};
[[nodiscard]] std::optional<FileIdentity> identity_of(const std::string& path);

// "OUT: is the input IN (the same file); not overwriting it" for the first output that names an
// input (or an earlier output) as the same file; empty when they are all distinct. Outputs that do
// not exist yet cannot clash; "-" (stdout/stdin) and empty paths are skipped.
[[nodiscard]] std::string find_output_clash(const std::vector<std::string>& inputs,
                                            const std::vector<std::string>& outputs);

// A streambuf over a file descriptor with its own buffer; remembers the first write error (errno).
class FdStreamBuf : public std::streambuf {
public:
    FdStreamBuf();
    void attach(int fd) noexcept { m_fd = fd; }
    [[nodiscard]] int error() const noexcept { return m_error; }

protected:
    int_type overflow(int_type ch) override;
    int sync() override;

private:
    bool drain();
    std::array<char, 1 << 16> m_buffer{};
    int m_fd = -1;
    int m_error = 0;
};

// A report file written beside `path` as .NAME.XXXXXX (mode 0666 less the umask, as a plain create
// would give, or the mode of the file it replaces) and renamed onto `path` by commit(). Until then
// the previous file stands; a ReplacingFile dropped without commit() removes its temporary file.
// A path that exists and is not a regular file (/dev/null, a FIFO) is written in place. SIGINT,
// SIGTERM or SIGHUP (left at their default) remove the temporary before ending the process.
class ReplacingFile {
public:
    ReplacingFile() = default;
    ~ReplacingFile();
    ReplacingFile(const ReplacingFile&) = delete;
    ReplacingFile& operator=(const ReplacingFile&) = delete;

    // False, with error() set ("PATH: why"), when the file cannot be created. `in_place`: write
    // `path` itself as it goes (live output, read while it grows), not a temporary file.
    bool open(const std::string& path, bool in_place = false);
    [[nodiscard]] int fd() const noexcept { return m_fd; }
    // Closes and renames into place; false with error() set on failure (the temporary is removed).
    bool commit();
    [[nodiscard]] const std::string& error() const noexcept { return m_error; }

private:
    void discard() noexcept;
    void forget_temporary() noexcept;
    std::string m_target;     // where the report ends up (a symlink's target, resolved)
    std::string m_temporary;  // empty when writing in place
    int m_fd = -1;
    bool m_registered = false;  // m_temporary is removed by a fatal SIGINT/SIGTERM/SIGHUP
    std::string m_error;
};

}  // namespace tcpvet::cli
