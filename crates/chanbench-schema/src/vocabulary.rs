//! The typed vocabulary of the strategy families' and async cells' parameters: each value with
//! the one string it is stored and labelled as, so no crate spells them again.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A name that is not one of a vocabulary's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {found:?}; expected one of {expected}")]
pub struct UnknownName {
    /// Which vocabulary.
    pub what: &'static str,
    /// The name read.
    pub found: String,
    /// The known names, comma-separated.
    pub expected: String,
}

/// A vocabulary's values to check its names by: every value where there are finitely many,
/// typical ones otherwise.
pub trait Examples: Sized {
    /// The values.
    fn examples() -> Vec<Self>;
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $ty:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident => $name:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $ty {
            $($(#[$vdoc])* #[serde(rename = $name)] $variant,)*
        }

        impl $ty {
            /// Every value, in order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            /// The name it is stored and labelled as.
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)*
                }
            }
        }

        impl Examples for $ty {
            fn examples() -> Vec<Self> {
                $ty::ALL.to_vec()
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::ALL.iter().copied().find(|v| v.name() == s).ok_or_else(|| UnknownName {
                    what: $what,
                    found: s.to_owned(),
                    expected: $ty::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", "),
                })
            }
        }
    };
}

pub(crate) use vocabulary;

vocabulary!(
    /// A `distribute` job's work per item.
    Grain, "grain" {
        /// 4 hash rounds per item.
        Fine => "fine",
        /// 256 rounds.
        Medium => "medium",
        /// 16,384 rounds.
        Coarse => "coarse",
    }
);

vocabulary!(
    /// How a `service` message travels: moved by value or in a box.
    Envelope, "envelope" {
        /// Moved by value.
        Owned => "owned",
        /// A `Box` of it.
        Boxed => "boxed",
    }
);

vocabulary!(
    /// The tokio runtime flavour of an async cell.
    Runtime, "runtime" {
        /// `current_thread`: every task on one thread.
        CurrentThread => "current-thread",
        /// `multi_thread`: one worker per allowed core.
        MultiThread => "multi-thread",
    }
);

vocabulary!(
    /// The socket a transport cell's peers connect over (stored only when not TCP).
    Socket, "socket" {
        /// TCP on 127.0.0.1.
        Tcp => "tcp",
        /// A Unix domain stream socket with an abstract name.
        Unix => "unix",
    }
);

vocabulary!(
    /// Where a transport cell's peers run (stored only when not threads).
    PeersIn, "peers-in" {
        /// Team threads of the bench process.
        Threads => "threads",
        /// A process of their own.
        Process => "process",
    }
);

vocabulary!(
    /// Whose shares a `fairness` cell counts.
    Share, "share" {
        /// Each consumer's share of the messages (several consumers, one channel).
        Consumers => "consumers",
        /// Each producer's share of what one consumer received (producers never stop first).
        Producers => "producers",
        /// Each source's share of what one native select received (every source always ready).
        Sources => "sources",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_and_serializes_as_itself() {
        for r in Runtime::ALL {
            assert_eq!(r.name().parse::<Runtime>(), Ok(*r));
            assert_eq!(
                serde_json::to_string(r).unwrap(),
                format!("\"{}\"", r.name())
            );
        }
        assert_eq!(Grain::Coarse.to_string(), "coarse");
        let err = "sideways".parse::<Envelope>().unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown envelope \"sideways\"; expected one of owned, boxed"
        );
    }
}
