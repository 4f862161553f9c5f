//! Why a call is refused or fails, and the MicroPython errno of each reason.
#![forbid(unsafe_code)]

/// Why an ioctl was refused or failed.
///
/// Refusals ([`Error::errno`] `-EINVAL`) are checked before anything is
/// touched: a refused call changes nothing in flash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// Unknown op, wrong number of arguments, or an id with no segment.
    BadRequest,
    /// An offset or length is negative, too large, or past the segment end.
    OutOfBounds,
    /// A write offset not aligned to the program unit, or a 4-arg prepare
    /// not aligned to op 6's granularity (or op 6 reports none).
    NotAligned,
    /// The port's description of the segment is inconsistent.
    BadGeometry,
    /// The target bytes need an erase that was not prepared (or that would
    /// touch bytes outside the segment).
    NotErased,
    /// Reading back after programming showed different bytes.
    Verify,
    /// A port hook reported a failure.
    Io,
    /// Op 5 did not commit the image because an earlier step failed.
    Incomplete,
    /// A call arrived while another one was running (from the port's
    /// event servicing during a flash operation).
    Busy,
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
    /// ```
    pub const fn errno(self) -> i32 {
        match self {
            Error::BadRequest | Error::OutOfBounds | Error::NotAligned => -EINVAL,
            Error::BadGeometry | Error::NotErased | Error::Verify | Error::Io | Error::Incomplete => {
                -EIO
            }
            Error::Busy => -EBUSY,
        }
    }
}

/// MicroPython's `MP_EINVAL`.
pub const EINVAL: i32 = 22;
/// MicroPython's `MP_EIO`.
pub const EIO: i32 = 5;

/// MicroPython's `MP_EBUSY`.
pub const EBUSY: i32 = 16;

/// Result of the core's operations.
pub type Result<T> = core::result::Result<T, Error>;
