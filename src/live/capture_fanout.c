/* \summary: PACKET_FANOUT: join live captures of one interface to one hash group */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_packet.h>

#include "capture_fanout.h"

/*
 * Why hash mode keeps a connection on one member: the kernel's
 * fanout_demux_hash (net/packet/af_packet.c) picks the member as
 * reciprocal_scale(__skb_get_hash_symmetric(skb), members) since commit
 * eb70db875671 ("packet: Use symmetric hash for PACKET_FANOUT_HASH", 2016),
 * not from the skb's receive hash, which a NIC may compute per direction.
 * The symmetric flow dissector sorts the addresses and the ports before
 * hashing (__flow_hash_consistentify), so A->B and B->A hash alike. (Until a
 * 2023 fix IPv6 packets with a flow label were hashed on the addresses only:
 * still symmetric, only spread less evenly.) With PACKET_FANOUT_FLAG_DEFRAG
 * the kernel reassembles IPv4 fragments first, so the fragments without a
 * TCP header go where the first one went.
 */
#define TS_FANOUT_MODE (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG)

static int fanout_set(int fd, unsigned id, unsigned flags)
{
	unsigned arg = (id & 0xffff) | (flags << 16);

	return setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg));
}

/* The first member: a group id nobody uses. PACKET_FANOUT_FLAG_UNIQUEID
 * lets the kernel choose one; a kernel without that flag refuses it with
 * EINVAL, and the id comes from the process id, unique among the running
 * tcpscopes. */
static int fanout_create(int fd, unsigned *group)
{
	if (fanout_set(fd, 0, TS_FANOUT_MODE | PACKET_FANOUT_FLAG_UNIQUEID) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	*group = (unsigned)getpid() & 0xffff;
	return fanout_set(fd, *group, TS_FANOUT_MODE);
}

/* The group the socket is in, read back: the kernel's choice after
 * PACKET_FANOUT_FLAG_UNIQUEID (its first choice since boot is 0). */
static int fanout_group_of(int fd, unsigned *group)
{
	unsigned val = 0;
	socklen_t len = sizeof(val);

	if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &val, &len) < 0)
		return -1;
	*group = val & 0xffff;
	return 0;
}

int ts_capture_fanout_join(struct ts_capture *c, bool create, unsigned *group,
                           char errbuf[TS_ERRBUF_SIZE])
{
	/* On Linux the selectable descriptor is the packet socket itself
	 * (pcap_get_selectable_fd == pcap_fileno). */
	int fd = ts_capture_fd(c);
	int rc;

	if (fd < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s: PACKET_FANOUT: not a live capture",
		         ts_capture_source_name(c));
		return -1;
	}
	unsigned joined = 0;
	rc = create ? fanout_create(fd, group) : fanout_set(fd, *group, TS_FANOUT_MODE);
	if (rc == 0)
		rc = fanout_group_of(fd, &joined);
	if (rc < 0) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s: PACKET_FANOUT group %u: %s",
		         ts_capture_source_name(c), *group, strerror(errno));
		return -1;
	}
	if (create) {
		*group = joined;
	} else if (joined != *group) {
		snprintf(errbuf, TS_ERRBUF_SIZE, "%s: PACKET_FANOUT: joined group %u instead of %u",
		         ts_capture_source_name(c), joined, *group);
		return -1;
	}
	return 0;
}
