use super::*;

#[test]
fn priorities_out_of_range_are_rejected() {
    assert!(validate_priorities(&[0, 4, 7]).is_ok());
    assert!(matches!(
        validate_priorities(&[4, 8]),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn add_outcome_codes_map_to_errors() {
    let o = |code: u8| ffi::AddOutcome {
        id: "ab".to_owned(),
        code,
        message: "m".to_owned(),
        peers: 0,
        trackers: 0,
    };
    assert_eq!(add_result(o(0)), Ok("ab".to_owned()));
    assert_eq!(add_result(o(1)), Err(Error::Duplicate("ab".to_owned())));
    assert_eq!(add_result(o(2)), Err(Error::Malformed("m".to_owned())));
    assert_eq!(
        add_result(o(3)),
        Err(Error::InvalidArgument("m".to_owned()))
    );
    assert_eq!(add_result(o(4)), Err(Error::Libtorrent("m".to_owned())));
}
