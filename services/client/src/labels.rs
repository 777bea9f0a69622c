//! `/v1/categories` and `/v1/tags`: the named categories and tags torrents
//! are labelled from.

use reqwest::Method;
use revaer_domain::labels::Category;
use revaer_wire::CategoryRequest;

use crate::api::segment;
use crate::error::ClientError;
use crate::http::Client;

/// A category or tag as one path segment. Why some names are refused here
/// rather than by the server: `.` and `..` (percent-encoded too) are path
/// steps that URL parsing resolves away, so the request would reach another
/// route, and an empty name leaves the segment out altogether.
fn label_segment(what: &str, name: &str) -> Result<String, ClientError> {
    if name.is_empty() {
        return Err(ClientError::Config(format!(
            "the {what} name must not be empty"
        )));
    }
    if name == "." || name == ".." {
        return Err(ClientError::Config(format!(
            "the {what} name {name:?} cannot be sent: `.` and `..` are not names in a URL path"
        )));
    }
    Ok(segment(name))
}

impl Client {
    /// `GET /v1/categories`: every category, by name.
    pub async fn categories(&self) -> Result<Vec<Category>, ClientError> {
        self.json(Method::GET, "/v1/categories", None::<&()>).await
    }

    /// `PUT /v1/categories/{name}`: creates or replaces a category.
    pub async fn put_category(
        &self,
        name: &str,
        request: &CategoryRequest,
    ) -> Result<Category, ClientError> {
        let path = format!("/v1/categories/{}", label_segment("category", name)?);
        self.json(Method::PUT, &path, Some(request)).await
    }

    /// `DELETE /v1/categories/{name}`.
    pub async fn delete_category(&self, name: &str) -> Result<(), ClientError> {
        let path = format!("/v1/categories/{}", label_segment("category", name)?);
        self.empty(Method::DELETE, &path, None::<&()>).await
    }

    /// `GET /v1/tags`: every tag, sorted.
    pub async fn tags(&self) -> Result<Vec<String>, ClientError> {
        self.json(Method::GET, "/v1/tags", None::<&()>).await
    }

    /// `PUT /v1/tags/{name}`: creates a tag (no error when it exists); the
    /// reply is the tag.
    pub async fn create_tag(&self, name: &str) -> Result<String, ClientError> {
        let path = format!("/v1/tags/{}", label_segment("tag", name)?);
        self.json(Method::PUT, &path, None::<&()>).await
    }

    /// `DELETE /v1/tags/{name}`.
    pub async fn delete_tag(&self, name: &str) -> Result<(), ClientError> {
        let path = format!("/v1/tags/{}", label_segment("tag", name)?);
        self.empty(Method::DELETE, &path, None::<&()>).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_path_steps_are_refused() {
        assert!(label_segment("tag", "").is_err());
        assert!(label_segment("tag", ".").is_err());
        assert!(label_segment("tag", "..").is_err());
        assert_eq!(label_segment("tag", "a/b").ok().as_deref(), Some("a%2Fb"));
        assert_eq!(label_segment("tag", "...").ok().as_deref(), Some("..."));
    }
}
