//! `onshi check-digit`.

use clap::Args;
use onshi::ids::{self, IdError};
use std::process::ExitCode;

/// Arguments of `onshi check-digit`.
#[derive(Args)]
pub struct CheckDigitArgs {
    /// The number, check digit included (full-width digits and spaces are accepted).
    number: String,
}

/// Exit 0 when the check digit is right; 1 with the expected digit when not (the reason on
/// stderr, for staff in Japanese, then the detail in English).
pub fn check_digit(args: CheckDigitArgs) -> ExitCode {
    match ids::verify(&args.number) {
        Ok(()) => {
            println!("ok");
            ExitCode::SUCCESS
        }
        Err(e @ IdError::CheckDigit { expected, .. }) => {
            crate::report(&e);
            println!("expected check digit: {expected}");
            ExitCode::from(1)
        }
        Err(e) => {
            crate::report(&e);
            ExitCode::from(1)
        }
    }
}
