//! Why a call is refused or fails, and the MicroPython errno of each reason.
#![forbid(unsafe_code)]

/// Why an ioctl was refused or failed.
///
/// Refusals ([`Error::errno`] `-EINVAL`) are checked before anything is
/// touched: a refused call changes nothing in flash.
///
/// Each value is its errno plus a multiple of 32 that tells the reasons
/// apart, so that [`Error::errno`] is one mask instead of a table; and the
/// type is a word, so that a `Result<()>` needs no narrowing where it is
/// tested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Error {
    /// Unknown op, wrong number of arguments, or an id with no segment.
    BadRequest = EINVAL as u32,
    /// An offset or length is negative, too large, or past the segment end.
    OutOfBounds = EINVAL as u32 + ERRNO_SPAN,
    /// A write offset not aligned to the program unit, or a 4-arg prepare
    /// not aligned to op 6's granularity (or op 6 reports none).
    NotAligned = EINVAL as u32 + 2 * ERRNO_SPAN,
    /// The port's description of the segment is inconsistent.
    BadGeometry = EIO as u32,
    /// The target bytes need an erase that was not prepared (or that would
    /// touch bytes outside the segment).
    NotErased = EIO as u32 + ERRNO_SPAN,
    /// Reading back after programming showed different bytes.
    Verify = EIO as u32 + 2 * ERRNO_SPAN,
    /// A port hook reported a failure.
    Io = EIO as u32 + 3 * ERRNO_SPAN,
    /// Op 5 did not commit the image because an earlier step failed.
    Incomplete = EIO as u32 + 4 * ERRNO_SPAN,
    /// A call arrived while another one was running (from the port's
    /// event servicing during a flash operation).
    Busy = EBUSY as u32,
    /// The port's code raised an exception during a hook (the C shim
    /// caught it, and raises it again once the core has returned).
    Interrupted = EINTR as u32,
}

impl Error {
    /// The negative MicroPython errno returned to Python for this error.
    ///
    /// ```
    /// use mp_romfs::error::Error;
    /// // MP_EINVAL = 22: the caller's request is wrong; nothing was touched.
    /// assert_eq!(Error::BadRequest.errno(), -22);
    /// assert_eq!(Error::OutOfBounds.errno(), -22);
    /// assert_eq!(Error::NotAligned.errno(), -22);
    /// // MP_EIO = 5: the flash or its description is the problem.
    /// assert_eq!(Error::BadGeometry.errno(), -5);
    /// assert_eq!(Error::NotErased.errno(), -5);
    /// assert_eq!(Error::Verify.errno(), -5);
    /// assert_eq!(Error::Io.errno(), -5);
    /// assert_eq!(Error::Incomplete.errno(), -5);
    /// // MP_EBUSY = 16: called again from inside a running call.
    /// assert_eq!(Error::Busy.errno(), -16);
    /// // MP_EINTR = 4: an exception interrupted the call (the shim raises it).
    /// assert_eq!(Error::Interrupted.errno(), -4);
    /// ```
    pub const fn errno(self) -> i32 {
        -((self as u32 % ERRNO_SPAN) as i32)
    }
}

/// The errnos are below this; each [`Error`] value is its errno plus a
/// multiple of it.
const ERRNO_SPAN: u32 = 32;

/// MicroPython's `MP_EINVAL`.
pub const EINVAL: i32 = 22;
/// MicroPython's `MP_EIO`.
pub const EIO: i32 = 5;

/// MicroPython's `MP_EBUSY`.
pub const EBUSY: i32 = 16;
/// MicroPython's `MP_EINTR`.
pub const EINTR: i32 = 4;

/// Result of the core's operations.
pub type Result<T> = core::result::Result<T, Error>;
