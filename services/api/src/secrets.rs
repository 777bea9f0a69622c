//! Secrets: generation, argon2id hashing and verification.
//!
//! Secrets are shown once and stored only as argon2id PHC strings. Nothing
//! here logs a secret.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

use crate::error::ApiError;

fn random_hex(bytes: usize) -> Result<String, ApiError> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|err| ApiError::internal(&err))?;
    Ok(hex::encode(buf))
}

/// A new public key id: 16 lowercase hex characters.
pub fn new_key_id() -> Result<String, ApiError> {
    random_hex(8)
}

/// A new key secret: 64 lowercase hex characters (256 bits).
pub fn new_secret() -> Result<String, ApiError> {
    random_hex(32)
}

/// A new setup token: 48 lowercase hex characters (192 bits).
pub fn new_setup_token() -> Result<String, ApiError> {
    random_hex(24)
}

/// Hashes a secret with argon2id and a random salt.
pub fn hash(secret: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|err| ApiError::internal(&err))?;
    let salt = SaltString::encode_b64(&salt).map_err(|err| ApiError::internal(&err))?;
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|phc| phc.to_string())
        .map_err(|err| ApiError::internal(&err))
}

/// Spends as long as [`verify`] on a stored hash, matching nothing: used when the
/// key id is unknown, so the response time does not tell whether an id
/// exists (a lookup alone answered 30 times faster than argon2).
pub fn verify_nothing(secret: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    // Hashed once with the same parameters as real keys; the secret is
    // random and thrown away, so nothing can ever match it.
    let dummy = DUMMY.get_or_init(|| new_secret().and_then(|s| hash(&s)).ok());
    if let Some(phc) = dummy {
        let _ = verify(secret, phc);
    }
}

/// Checks a secret against a stored PHC string; a malformed hash never matches.
pub fn verify(secret: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() -> Result<(), ApiError> {
        let secret = new_secret()?;
        assert_eq!(secret.len(), 64);
        let first = hash(&secret)?;
        let second = hash(&secret)?;
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "salted");
        assert!(verify(&secret, &first));
        assert!(!verify("wrong", &first));
        assert!(!verify(&secret, "not a phc string"));
        verify_nothing(&secret);
        Ok(())
    }
}
