//! IP addresses and CIDR networks as integers, and a prefix index that
//! answers "which networks contain this address" and "which addresses lie in
//! this network" without scanning.
//!
//! Networks live in one hash map per address family keyed by
//! (prefix length, masked network), so a containment lookup probes only the
//! prefix lengths actually present (at most 33 or 129). Single addresses live
//! in an ordered map keyed by (address, insertion number) so a network's
//! addresses are one range scan, without a list allocated per address.

use std::collections::BTreeMap;

use crate::fasthash::FastMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An IPv4 or IPv6 network; a single address has the full prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpNet {
    /// True for IPv6.
    pub v6: bool,
    /// The network address with host bits cleared (IPv4 in the low 32 bits).
    pub addr: u128,
    /// The prefix length.
    pub len: u8,
}

impl IpNet {
    /// Parses `a.b.c.d`, an IPv6 address, or either with `/len`.
    pub fn parse(text: &str) -> Option<IpNet> {
        // Every IPv4 form ends in a digit and every IPv6 form holds a colon;
        // host names, the usual input, end in a letter and are rejected
        // here for a fraction of what std's parsers cost to fail.
        if !(text.ends_with(|c: char| c.is_ascii_digit()) || text.as_bytes().contains(&b':')) {
            return None;
        }
        let (addr_text, len_text) = match text.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (text, None),
        };
        let addr: IpAddr = addr_text.parse().ok()?;
        let (v6, bits, max) = match addr {
            IpAddr::V4(a) => (false, u32::from(a) as u128, 32u8),
            IpAddr::V6(a) => (true, u128::from(a), 128u8),
        };
        let len = match len_text {
            Some(l) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => {
                l.parse::<u8>().ok().filter(|&n| n <= max)?
            }
            Some(_) => return None,
            None => max,
        };
        Some(IpNet {
            v6,
            addr: bits & mask(v6, len),
            len,
        })
    }

    /// The family's full prefix length: 32 or 128.
    pub fn max_len(&self) -> u8 {
        if self.v6 {
            128
        } else {
            32
        }
    }

    /// True for a single address.
    pub fn is_single(&self) -> bool {
        self.len == self.max_len()
    }

    /// The last address of the network.
    pub fn last(&self) -> u128 {
        self.addr | !mask(self.v6, self.len) & family_bits(self.v6)
    }

    /// The network of prefix length `len` (at most this one's) containing this one.
    pub fn supernet(&self, len: u8) -> IpNet {
        let len = len.min(self.len);
        IpNet {
            v6: self.v6,
            addr: self.addr & mask(self.v6, len),
            len,
        }
    }

    /// True when `other` lies inside this network (or equals it).
    pub fn contains(&self, other: &IpNet) -> bool {
        self.v6 == other.v6
            && other.len >= self.len
            && other.addr & mask(self.v6, self.len) == self.addr
    }

    /// The canonical text: the address in standard form, `/len` unless single.
    pub fn canonical_text(&self) -> String {
        let addr = if self.v6 {
            IpAddr::V6(Ipv6Addr::from(self.addr))
        } else {
            IpAddr::V4(Ipv4Addr::from(self.addr as u32))
        };
        if self.is_single() {
            addr.to_string()
        } else {
            format!("{addr}/{}", self.len)
        }
    }
}

fn family_bits(v6: bool) -> u128 {
    if v6 {
        u128::MAX
    } else {
        u32::MAX as u128
    }
}

fn mask(v6: bool, len: u8) -> u128 {
    let max = if v6 { 128 } else { 32 };
    if len == 0 {
        return 0;
    }
    let host_bits = max - len as u32;
    (family_bits(v6) >> host_bits) << host_bits
}

/// A prefix index of networks and single addresses carrying payloads `T`.
#[derive(Debug, Clone)]
pub struct NetworkIndex<T> {
    families: [Family<T>; 2],
}

#[derive(Debug, Clone)]
struct Family<T> {
    networks: FastMap<(u8, u128), Vec<T>>,
    /// Bit `n` set when some network of prefix length `n` is present.
    lengths: [u64; 3],
    addresses: BTreeMap<(u128, u32), T>,
}

impl<T> Default for Family<T> {
    fn default() -> Self {
        Family {
            networks: FastMap::default(),
            lengths: [0; 3],
            addresses: BTreeMap::new(),
        }
    }
}

impl<T> Default for NetworkIndex<T> {
    fn default() -> Self {
        NetworkIndex {
            families: [Family::default(), Family::default()],
        }
    }
}

impl<T> NetworkIndex<T> {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `payload` under `net` (a network or a single address).
    pub fn insert(&mut self, net: IpNet, payload: T) {
        let family = &mut self.families[net.v6 as usize];
        if net.is_single() {
            let n = family.addresses.len() as u32;
            family.addresses.insert((net.addr, n), payload);
        } else {
            family.lengths[net.len as usize / 64] |= 1 << (net.len % 64);
            family
                .networks
                .entry((net.len, net.addr))
                .or_default()
                .push(payload);
        }
    }

    /// Calls `f` for every payload of a network (not a single address) that
    /// contains `net`. A network contains itself.
    pub fn for_each_containing(&self, net: &IpNet, mut f: impl FnMut(&T)) {
        let family = &self.families[net.v6 as usize];
        for len in 0..=net.len.min(net.max_len() - 1) {
            if family.lengths[len as usize / 64] & (1 << (len % 64)) == 0 {
                continue;
            }
            let key = (len, net.addr & mask(net.v6, len));
            if let Some(list) = family.networks.get(&key) {
                list.iter().for_each(&mut f);
            }
        }
    }

    /// Calls `f` for every payload of a single address inside `net`.
    pub fn for_each_address_inside(&self, net: &IpNet, mut f: impl FnMut(&T)) {
        let family = &self.families[net.v6 as usize];
        for payload in family
            .addresses
            .range((net.addr, 0)..=(net.last(), u32::MAX))
            .map(|(_, p)| p)
        {
            f(payload);
        }
    }

    /// True when `net` equals a stored single address or lies in a stored network.
    pub fn covers(&self, net: &IpNet) -> bool {
        if net.is_single()
            && self.families[net.v6 as usize]
                .addresses
                .range((net.addr, 0)..=(net.addr, u32::MAX))
                .next()
                .is_some()
        {
            return true;
        }
        let mut found = false;
        self.for_each_containing(net, |_| found = true);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        IpNet::parse(s).unwrap()
    }

    #[test]
    fn parses_and_masks() {
        assert_eq!(net("10.1.2.3/8").canonical_text(), "10.0.0.0/8");
        assert_eq!(net("10.1.2.3/32").canonical_text(), "10.1.2.3");
        assert_eq!(net("2001:DB8::1/128").canonical_text(), "2001:db8::1");
        assert_eq!(
            net("2001:db8::/32").last(),
            u128::from(
                "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"
                    .parse::<Ipv6Addr>()
                    .unwrap()
            )
        );
        assert_eq!(net("0.0.0.0/0").last(), u32::MAX as u128);
        for bad in [
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/a",
            "1.2.3",
            "::/129",
            "evil.com",
        ] {
            assert_eq!(IpNet::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn containment_both_ways_v4_and_v6() {
        let mut index = NetworkIndex::new();
        for (i, s) in [
            "10.0.0.0/8",
            "10.1.0.0/16",
            "192.0.2.7",
            "10.1.2.3",
            "2001:db8::/32",
            "2001:db8::5",
            "0.0.0.0/0",
        ]
        .iter()
        .enumerate()
        {
            index.insert(net(s), i);
        }
        let mut hits = Vec::new();
        index.for_each_containing(&net("10.1.2.3"), |&i| hits.push(i));
        hits.sort();
        assert_eq!(hits, [0, 1, 6]);
        hits.clear();
        index.for_each_containing(&net("2001:db8::9"), |&i| hits.push(i));
        assert_eq!(hits, [4]);
        hits.clear();
        index.for_each_address_inside(&net("10.0.0.0/8"), |&i| hits.push(i));
        assert_eq!(hits, [3]);
        hits.clear();
        index.for_each_address_inside(&net("2001:db8::/32"), |&i| hits.push(i));
        assert_eq!(hits, [5]);
        hits.clear();
        index.for_each_address_inside(&net("0.0.0.0/0"), |&i| hits.push(i));
        assert_eq!(hits, [3, 2]);
        assert!(index.covers(&net("192.0.2.7")));
        assert_eq!(net("192.0.2.7").supernet(24), net("192.0.2.0/24"));
        assert!(!index.covers(&net("2001:db9::1")));
    }
}
