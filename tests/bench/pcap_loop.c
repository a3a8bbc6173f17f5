/* pcap_loop: the bare libpcap read loop, the 1.0x reference for tests/bench/run_bench.sh. */
/* It does the least any capture analyzer must do: open the file, pull every packet with
 * pcap_next_ex and touch its header (count packets, sum caplen). Anything tcpvet spends beyond
 * this is analysis cost; the benchmark reports tools as ratios to it. */
/* pcap.h uses the BSD u_char/u_int types, hidden by strict -std=c11 without this. */
#define _DEFAULT_SOURCE
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: pcap_loop FILE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    errbuf[0] = '\0';
    pcap_t* handle = pcap_open_offline(argv[1], errbuf);
    if (handle == NULL) {
        fprintf(stderr, "pcap_loop: %s\n", errbuf);
        return 1;
    }
    uint64_t packets = 0;
    uint64_t bytes = 0;
    struct pcap_pkthdr* header = NULL;
    const u_char* data = NULL;
    int rc = 0;
    while ((rc = pcap_next_ex(handle, &header, &data)) == 1) {
        ++packets;
        bytes += header->caplen;
    }
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "pcap_loop: %s\n", pcap_geterr(handle));
        pcap_close(handle);
        return 1;
    }
    pcap_close(handle);
    printf("%" PRIu64 " packets, %" PRIu64 " bytes captured\n", packets, bytes);
    return 0;
}
