use super::*;
use revaer_messages::config::EncryptionPolicy;

fn profile() -> EngineProfile {
    EngineProfile {
        listen_port: 0,
        lsd: true,
        encryption: EncryptionPolicy::Forced,
        peer_protocol: PeerProtocol::Tcp,
        max_active: 4,
        max_download_bps: 5_000_000_000,
        max_upload_bps: -3,
        ..EngineProfile::default()
    }
}

#[test]
fn profile_maps_onto_session_settings() {
    let settings = session_settings(&profile(), true);
    assert_eq!(settings.listen_interfaces, "0.0.0.0:0");
    assert_eq!(settings.encryption, LtEncryption::Forced);
    assert_eq!(settings.peer_protocol, LtPeerProtocol::Tcp);
    assert!(settings.enable_upnp && settings.enable_natpmp);
    // Out-of-range rates are clamped, not wrapped.
    assert_eq!(settings.download_rate_limit, i32::MAX);
    assert_eq!(settings.upload_rate_limit, 0);

    let mut utp = profile();
    utp.peer_protocol = PeerProtocol::Utp;
    utp.listen_interface = "::1".into();
    let settings = session_settings(&utp, true);
    assert_eq!(settings.peer_protocol, LtPeerProtocol::Utp);
    assert_eq!(settings.listen_interfaces, "[::1]:0");
    assert!(
        !settings.enable_upnp && !settings.enable_natpmp,
        "no port mapping on loopback"
    );
}
