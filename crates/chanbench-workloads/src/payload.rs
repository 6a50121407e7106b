//! Message types the matrix sends: small versus large, inline versus boxed, moved versus cloned.
//!
//! A producer builds each message from a [`Payload::Source`] prepared before timing starts. For
//! `Vec<u8>` there are two ways to send, and they answer different questions:
//! [`VecOwned`] builds a fresh vector per message (one allocation and a fill) and moves it, as a
//! producer does with data it made; [`VecCloned`] clones one prepared vector per message (one
//! allocation and a copy), as a producer does that keeps its data. Moving a `Vec` through a channel
//! copies 24 bytes whatever its length; the inline arrays are copied whole.

/// A message type for the workloads.
pub trait Payload: Send + Unpin + 'static {
    /// What the producer keeps to build messages from, prepared outside the timed region.
    type Source: Send + 'static;
    /// A short label for benchmark ids, e.g. `u64` or `vec-1KiB-cloned`.
    fn label() -> String;
    /// The size of the data a message carries, in bytes (for a `Vec`, its length).
    fn bytes() -> usize;
    /// The label and size, as a cell's parameters state them.
    fn describe() -> chanbench_schema::Payload {
        chanbench_schema::Payload::sized(Self::label(), Self::bytes() as u64)
    }
    /// Prepares a source.
    fn source() -> Self::Source;
    /// The `i`-th message.
    fn make(source: &Self::Source, i: u64) -> Self;
}

impl Payload for () {
    type Source = ();
    fn label() -> String {
        "zst".to_owned()
    }
    fn bytes() -> usize {
        0
    }
    fn source() {}
    #[inline]
    fn make(_: &(), _: u64) -> Self {}
}

impl Payload for u64 {
    type Source = ();
    fn label() -> String {
        "u64".to_owned()
    }
    fn bytes() -> usize {
        8
    }
    fn source() {}
    #[inline]
    fn make(_: &(), i: u64) -> Self {
        i
    }
}

/// `N` bytes stored inline: the channel moves (copies) all of them.
pub struct Inline<const N: usize>(pub [u8; N]);

impl<const N: usize> Payload for Inline<N> {
    type Source = ();
    fn label() -> String {
        format!("inline-{}", human_bytes(N))
    }
    fn bytes() -> usize {
        N
    }
    fn source() {}
    #[inline]
    fn make(_: &(), i: u64) -> Self {
        Inline([i as u8; N])
    }
}

/// `N` bytes behind a `Box`: one allocation per message, a pointer through the channel.
pub struct Boxed<const N: usize>(pub Box<[u8; N]>);

impl<const N: usize> Payload for Boxed<N> {
    type Source = ();
    fn label() -> String {
        format!("box-{}", human_bytes(N))
    }
    fn bytes() -> usize {
        N
    }
    fn source() {}
    #[inline]
    fn make(_: &(), i: u64) -> Self {
        Boxed(Box::new([i as u8; N]))
    }
}

/// A `Vec<u8>` of `N` bytes built fresh for each message and moved in.
pub struct VecOwned<const N: usize>(pub Vec<u8>);

impl<const N: usize> Payload for VecOwned<N> {
    type Source = ();
    fn label() -> String {
        format!("vec-{}-owned", human_bytes(N))
    }
    fn bytes() -> usize {
        N
    }
    fn source() {}
    #[inline]
    fn make(_: &(), i: u64) -> Self {
        VecOwned(vec![i as u8; N])
    }
}

/// A `Vec<u8>` of `N` bytes cloned from one prepared vector for each message.
pub struct VecCloned<const N: usize>(pub Vec<u8>);

impl<const N: usize> Payload for VecCloned<N> {
    type Source = Vec<u8>;
    fn label() -> String {
        format!("vec-{}-cloned", human_bytes(N))
    }
    fn bytes() -> usize {
        N
    }
    fn source() -> Vec<u8> {
        (0..N).map(|j| j as u8).collect()
    }
    #[inline]
    fn make(source: &Vec<u8>, _: u64) -> Self {
        VecCloned(source.clone())
    }
}

/// `1024` -> `1KiB`, `64` -> `64B`, for labels.
pub fn human_bytes(n: usize) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{}MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{}KiB", n >> 10),
        n => format!("{n}B"),
    }
}
