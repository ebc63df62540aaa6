/* \summary: tracegen: compose link + IP + TCP frames, split IPv4/IPv6 fragments, write */
#include <string.h>

#include "tracegen.h"

#define TG_IPV4_MF 0x2000

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The fragment header of IPv6 (RFC 8200 4.5) */
#define TG_FRAG6_LEN 8

/* Writes one fragment: data [off, off + len) of the datagram's payload
 * (after its l3-byte IP header), more says whether others follow. */
static void emit_piece(struct tg_framer *f, int64_t t, size_t l2, size_t l3, size_t off, size_t len,
                       bool more, const struct tg_seg *s, size_t changed, uint32_t caplen)
{
	const uint8_t *ip = f->frame + l2;
	uint8_t *out = f->scratch;
	size_t hdr;

	memcpy(out, f->frame, l2);
	if ((ip[0] >> 4) == 6) {
		uint8_t *fh = out + l2 + 40;
		uint16_t fo = (uint16_t)(off | (more ? 1 : 0));

		memcpy(out + l2, ip, 40);
		put16(out + l2 + 4, (uint16_t)(TG_FRAG6_LEN + len));
		out[l2 + 6] = 44;
		fh[0] = ip[6];
		fh[1] = 0;
		put16(fh + 2, fo);
		put16(fh + 4, 0);
		put16(fh + 6, s->ipid);
		hdr = 40 + TG_FRAG6_LEN;
	} else {
		memcpy(out + l2, ip, l3);
		put16(out + l2 + 2, (uint16_t)(l3 + len));
		put16(out + l2 + 6, (uint16_t)(off / 8 | (more ? TG_IPV4_MF : 0)));
		tg_ipv4_checksum(out + l2, l3);
		hdr = l3;
	}
	memcpy(out + l2 + hdr, ip + l3 + off, len);
	/* other bytes where this piece overlaps the one before */
	for (size_t i = 0; i < changed && i < len; i++)
		out[l2 + hdr + i] ^= 0x20;
	tg_writer_put(f->w, t, out, (uint32_t)(l2 + hdr + len), caplen);
}

/* Writes the datagram at f->frame + l2 as fragments of size bytes of
 * payload each (optionally overlapping, reordered or some left out),
 * 1 microsecond apart. */
static int emit_split(struct tg_framer *f, int64_t ts_ns, size_t l2, size_t l3,
                      size_t l4, const struct tg_seg *s, uint32_t caplen, char errbuf[TG_ERRBUF_SIZE])
{
	size_t n = (l4 + s->frag_size - 1) / s->frag_size, k;
	size_t ovl = s->frag_overlap;
	int64_t t = ts_ns;

	if (n > TG_MAX_FRAGS) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "%zu fragments, at most %d", n, TG_MAX_FRAGS);
		return -1;
	}
	for (k = 0; k < (s->n_frag_order ? s->n_frag_order : n); k++) {
		size_t i = s->n_frag_order ? s->frag_order[k] : k;
		if (i >= n) {
			snprintf(errbuf, TG_ERRBUF_SIZE, "fragorder names piece %zu of %zu", i, n);
			return -1;
		}
		size_t off = i * s->frag_size;
		size_t len = l4 - off < s->frag_size ? l4 - off : s->frag_size;
		size_t back = i && ovl ? (ovl < off ? ovl : off) : 0;

		emit_piece(f, t, l2, l3, off - back, len + back, i + 1 < n, s,
		           s->frag_overlap_differs ? back : 0, caplen);
		t += 1000;
	}
	return 0;
}

int tg_framer_emit(struct tg_framer *f, int64_t ts_ns, bool from_client,
                   const struct tg_addr *src, const struct tg_addr *dst,
                   const struct tg_seg *s, uint32_t caplen,
                   int64_t dup_after_ns, char errbuf[TG_ERRBUF_SIZE])
{
	size_t l2, l3, th, l4, wire, cap, fill_max;
	uint8_t *l4p;

	l2 = tg_link_write(&f->link, src->family, from_client, f->frame);
	l3 = tg_ip_header_len(src->family, s);
	th = s->frag == TG_FRAG_LATER ? 0 : tg_tcp_header_len(s);
	l4 = th + s->payload_len;
	if ((!s->iplen0 && !s->jumbo && l3 - (src->family == 6 ? 40 : 0) + l4 > 65535) ||
	    l2 + l3 + l4 > TG_MAX_FRAME) {
		snprintf(errbuf, TG_ERRBUF_SIZE,
		         "segment too large for one IP datagram (%zu bytes)", l3 + l4);
		return -1;
	}
	wire = l2 + l3 + l4;
	cap = caplen ? caplen : tg_writer_snaplen(f->w);
	l4p = f->frame + l2 + l3;
	/* Fragments are split after the build, so fill the whole datagram. */
	if (s->frag == TG_FRAG_SPLIT)
		cap = wire;
	fill_max = cap > l2 + l3 + th ? cap - (l2 + l3 + th) : 0;
	if (s->frag == TG_FRAG_LATER) {
		size_t i, n = s->payload_len < fill_max ? s->payload_len : fill_max;
		for (i = 0; i < n; i++)
			l4p[i] = tg_filler_byte(s->seq + (uint32_t)i);
	} else {
		tg_tcp_write(l4p, src, dst, s, fill_max);
	}
	tg_ip_write(f->frame + l2, src, dst, s, l4);
	if (s->frag == TG_FRAG_SPLIT) {
		if (emit_split(f, ts_ns, l2, l3, l4, s, caplen, errbuf) < 0)
			return -1;
		if (dup_after_ns >= 0)
			return emit_split(f, ts_ns + dup_after_ns, l2, l3, l4, s, caplen, errbuf);
		return 0;
	}
	tg_writer_put(f->w, ts_ns, f->frame, (uint32_t)wire, caplen);
	if (dup_after_ns >= 0)
		tg_writer_put(f->w, ts_ns + dup_after_ns, f->frame, (uint32_t)wire,
		              caplen);
	return 0;
}

/* One copy of the IP packet at f->scratch + TG_ENCAP_HEADROOM in layers e. */
static int emit_copy(struct tg_framer *f, int64_t ts_ns, bool from_client, int family,
                     size_t ip_len, const struct tg_encap *e, uint16_t ipid, uint32_t caplen,
                     char errbuf[TG_ERRBUF_SIZE])
{
	size_t off = TG_ENCAP_HEADROOM, len = ip_len, l2;
	uint16_t type = family == 6 ? 0x86dd : 0x0800;
	uint8_t link[64];

	memcpy(f->frame + off, f->scratch + TG_ENCAP_HEADROOM, ip_len);
	if (tg_encap_wrap(e, f->frame, &off, &len, &type, from_client, ipid, errbuf, TG_ERRBUF_SIZE) < 0)
		return -1;
	if (!tg_link_carries(&f->link, type)) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "this link type carries only IP, not ethertype 0x%04x", type);
		return -1;
	}
	l2 = tg_link_write_type(&f->link, type, len, from_client, link);
	if (l2 > off) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "encapsulation too deep");
		return -1;
	}
	off -= l2;
	memcpy(f->frame + off, link, l2);
	tg_writer_put(f->w, ts_ns, f->frame + off, (uint32_t)(l2 + len), caplen);
	return 0;
}

int tg_framer_emit_wrapped(struct tg_framer *f, int64_t ts_ns, bool from_client,
                           const struct tg_addr *src, const struct tg_addr *dst,
                           const struct tg_seg *s, uint32_t caplen, int64_t dup_after_ns,
                           const struct tg_encap *encap, const struct tg_encap *mirror,
                           int64_t mirror_after_ns, char errbuf[TG_ERRBUF_SIZE])
{
	size_t l3 = tg_ip_header_len(src->family, s), th = tg_tcp_header_len(s);
	size_t l4 = th + s->payload_len;
	uint8_t *ip = f->scratch + TG_ENCAP_HEADROOM;

	if (s->frag != TG_FRAG_NONE) {
		snprintf(errbuf, TG_ERRBUF_SIZE, "frag= does not combine with encap or mirror");
		return -1;
	}
	if (l3 - (src->family == 6 ? 40 : 0) + l4 > 65535 ||
	    TG_ENCAP_HEADROOM + l3 + l4 + 64 > TG_MAX_FRAME) { /* room for trailers */
		snprintf(errbuf, TG_ERRBUF_SIZE,
		         "segment too large for one encapsulated IP datagram (%zu bytes)", l3 + l4);
		return -1;
	}
	tg_tcp_write(ip + l3, src, dst, s, s->payload_len);
	tg_ip_write(ip, src, dst, s, l4);
	if (emit_copy(f, ts_ns, from_client, src->family, l3 + l4, encap, s->ipid, caplen, errbuf) < 0)
		return -1;
	if (dup_after_ns >= 0 &&
	    emit_copy(f, ts_ns + dup_after_ns, from_client, src->family, l3 + l4, encap, s->ipid,
	              caplen, errbuf) < 0)
		return -1;
	if (mirror &&
	    emit_copy(f, ts_ns + mirror_after_ns, from_client, src->family, l3 + l4, mirror, s->ipid,
	              caplen, errbuf) < 0)
		return -1;
	return 0;
}
