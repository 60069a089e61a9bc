// The PJSIP objects as the PJSIPShow* actions print them: field names and order, and the
// values of every option the sandbox does not model, exactly as recorded from Asterisk 22.10.1
// (tests/fixtures/a_phone1_two_contacts_queries.txt). res_pjsip's AMI formatters print a
// sorcery object's fields under their option names in CamelCase (ast_to_camel_case).
import type { Aor, Contact, Endpoint } from '../../../core/types';
import type { SandboxAuth, SandboxEndpoint, SandboxTransport } from '../../config/types';
import { isAstTrue } from '../permissions';
import type { AmiField } from '../wire';

/** EndpointDetail after ObjectType/ObjectName, with the recorded defaults (''
 * where the value always comes from the configuration). */
const ENDPOINT_DETAIL: ReadonlyArray<readonly [string, string]> = [
  ['RpidImmediate', 'false'],
  ['Webrtc', 'no'],
  ['Ignore183WithoutSdp', 'false'],
  ['SendAoc', 'false'],
  ['DeviceStateBusyAt', '0'],
  ['T38UdptlMaxdatagram', '0'],
  ['CodecPrefsIncomingAnswer', 'prefer:pending, operation:intersect, keep:all, transcode:allow'],
  ['SecurityNegotiation', 'no'],
  ['DtlsRekey', '0'],
  ['RtpPortEnd', '0'],
  ['NamedPickupGroup', ''],
  ['DirectMediaMethod', 'invite'],
  ['SendRpid', 'false'],
  ['PickupGroup', ''],
  ['SdpSession', 'Asterisk'],
  ['DtlsVerify', 'No'],
  ['MessageContext', ''],
  ['Tenantid', ''],
  ['Mailboxes', ''],
  ['RecordOnFeature', 'automixmon'],
  ['DtlsPrivateKey', ''],
  ['DtlsFingerprint', 'SHA-256'],
  ['OverlapContext', ''],
  ['OutgoingCallOfferPref', 'remote_merge'],
  ['RtpPortStart', '0'],
  ['FromDomain', ''],
  ['TimersSessExpires', '1800'],
  ['NamedCallGroup', ''],
  ['DtlsCipher', ''],
  ['MediaEncryptionOptimistic', 'false'],
  ['SuppressQ850ReasonHeaders', 'false'],
  ['Aors', ''],
  ['IdentifyBy', 'username,ip'],
  ['CalleridPrivacy', 'allowed_not_screened'],
  ['MwiSubscribeReplacesUnsolicited', 'no'],
  ['CosAudio', '0'],
  ['FollowEarlyMediaFork', 'true'],
  ['Context', ''],
  ['RtpSymmetric', 'false'],
  ['Transport', ''],
  ['MohSuggest', 'default'],
  ['T38Udptl', 'false'],
  ['FaxDetect', 'false'],
  ['T38BindUdptlToMediaAddress', 'false'],
  ['TosVideo', '0'],
  ['SrtpTag32', 'false'],
  ['ReferBlindProgress', 'true'],
  ['MaxAudioStreams', '1'],
  ['Bundle', 'false'],
  ['UseAvpf', 'false'],
  ['CallGroup', ''],
  ['SendConnectedLine', 'yes'],
  ['FaxDetectTimeout', '0'],
  ['SdpOwner', '-'],
  ['ForceRport', 'true'],
  ['CalleridTag', ''],
  ['RtpTimeoutHold', '0'],
  ['SuppressMohOnSendonly', 'false'],
  ['UsePtime', 'false'],
  ['MediaAddress', ''],
  ['VoicemailExtension', ''],
  ['RtpTimeout', '0'],
  ['StirShaken', 'no'],
  ['SetVar', ''],
  ['ContactAcl', ''],
  ['PreferredCodecOnly', 'false'],
  ['GeolocOutgoingCallProfile', ''],
  ['ForceAvp', 'false'],
  ['RecordOffFeature', 'automixmon'],
  ['FromUser', ''],
  ['SendDiversion', 'true'],
  ['SendHistoryInfo', 'false'],
  ['T38UdptlIpv6', 'false'],
  ['ToneZone', ''],
  ['Language', ''],
  ['AllowSubscribe', 'true'],
  ['RtpIpv6', 'false'],
  ['Callerid', '<unknown>'],
  ['MohPassthrough', 'false'],
  ['CosVideo', '0'],
  ['DtlsAutoGenerateCert', 'No'],
  ['AsymmetricRtpCodec', 'false'],
  ['GeolocIncomingCallProfile', ''],
  ['IceSupport', 'false'],
  ['AggregateMwi', 'true'],
  ['OneTouchRecording', 'false'],
  ['MwiFromUser', ''],
  ['RedirectMethod', 'user'],
  ['Accountcode', ''],
  ['CodecPrefsOutgoingAnswer', 'prefer:pending, operation:intersect, keep:all, transcode:allow'],
  ['Allow', '(ulaw)'],
  ['RewriteContact', 'false'],
  ['UserEqPhone', 'false'],
  ['RtpEngine', 'asterisk'],
  ['FollowRedirectMethods', ''],
  ['SubscribeContext', ''],
  ['NotifyEarlyInuseRinging', 'false'],
  ['IncomingMwiMailbox', ''],
  ['IncomingCallOfferPref', 'local'],
  ['AllowUnauthenticatedOptions', 'false'],
  ['Auth', ''],
  ['DirectMediaGlareMitigation', 'none'],
  ['TrustIdInbound', 'false'],
  ['StirShakenProfile', ''],
  ['BindRtpToMediaAddress', 'false'],
  ['DisableDirectMediaOnNat', 'false'],
  ['MediaEncryption', 'no'],
  ['MediaUseReceivedTransport', 'false'],
  ['AllowOverlap', 'true'],
  ['DtmfMode', 'rfc4733'],
  ['OutboundAuth', ''],
  ['TosAudio', '0'],
  ['DtlsCertFile', ''],
  ['DtlsCaPath', ''],
  ['DtlsSetup', 'active'],
  ['ConnectedLineMethod', 'invite'],
  ['G726NonStandard', 'false'],
  ['100rel', 'yes'],
  ['Timers', 'yes'],
  ['DirectMedia', 'true'],
  ['Acl', ''],
  ['TimersMinSe', '90'],
  ['TrustIdOutbound', 'false'],
  ['SubMinExpiry', '0'],
  ['RtcpMux', 'false'],
  ['MaxVideoStreams', '1'],
  ['AcceptMultipleSdpAnswers', 'false'],
  ['CodecPrefsIncomingOffer', 'prefer:pending, operation:intersect, keep:all, transcode:allow'],
  ['CodecPrefsOutgoingOffer', 'prefer:pending, operation:union, keep:all, transcode:allow'],
  ['TrustConnectedLine', 'yes'],
  ['SendPai', 'false'],
  ['RtpKeepalive', '0'],
  ['T38UdptlEc', 'none'],
  ['T38UdptlNat', 'false'],
  ['AllowTransfer', 'true'],
  ['DtlsCaFile', ''],
  ['OutboundProxy', ''],
  ['InbandProgress', 'false'],
  ['DeviceState', ''],
  ['ActiveChannels', '0'],
];

const AUTH_DETAIL: ReadonlyArray<readonly [string, string]> = [
  ['OauthSecret', ''],
  ['PasswordDigest', ''],
  ['SupportedAlgorithmsUas', 'MD5'],
  ['RefreshToken', ''],
  ['Username', ''],
  ['Md5Cred', ''],
  ['Realm', ''],
  ['AuthType', 'userpass'],
  ['Password', ''],
  ['SupportedAlgorithmsUac', 'MD5'],
  ['NonceLifetime', '32'],
  ['OauthClientid', ''],
];

const TRANSPORT_DETAIL: ReadonlyArray<readonly [string, string]> = [
  ['WebsocketWriteTimeout', '100'],
  ['Cos', '0'],
  ['TcpKeepaliveEnable', 'false'],
  ['Protocol', ''],
  ['SymmetricTransport', 'false'],
  ['Domain', ''],
  ['VerifyServer', 'No'],
  ['LocalNet', ''],
  ['Bind', ''],
  ['AllowWildcardCerts', 'No'],
  ['TcpKeepaliveIntervalTime', '1'],
  ['AsyncOperations', '1'],
  ['ExternalMediaAddress', ''],
  ['Method', 'unspecified'],
  ['ExternalSignalingAddress', ''],
  ['RequireClientCert', 'No'],
  ['TcpKeepaliveIdleTime', '30'],
  ['Tos', '0'],
  ['CaListPath', ''],
  ['Cipher', ''],
  ['CertFile', ''],
  ['ExternalSignalingPort', '0'],
  ['Password', ''],
  ['AllowReload', 'false'],
  ['VerifyClient', 'No'],
  ['TcpKeepaliveProbeCount', '5'],
  ['PrivKeyFile', ''],
  ['CaListFile', ''],
];

/** Sorcery prints doubles with "%f". */
function seconds(value: number): string {
  return value.toFixed(6);
}

function bool(value: boolean): string {
  return value ? 'true' : 'false';
}

/** `aor/uri` for each contact: how AorList and EndpointList name contacts. */
function contactNames(contacts: readonly Contact[]): string[] {
  return contacts.map((c) => `${c.aor}/${c.uri}`);
}

export function contactFields(c: Contact): AmiField[] {
  return [
    ['ObjectType', 'contact'],
    ['ObjectName', c.id],
    ['ViaAddr', c.viaAddr],
    ['QualifyTimeout', seconds(c.qualifyTimeout)],
    ['Qualify2xxOnly', 'false'],
    ['CallId', c.callId],
    ['RegServer', c.regServer],
    ['PruneOnBoot', 'no'],
    ['Path', c.path],
    ['Endpoint', c.endpoint],
    ['ViaPort', String(c.viaPort)],
    ['AuthenticateQualify', 'no'],
    ['Uri', c.uri],
    ['QualifyFrequency', String(c.qualifyFrequency)],
    ['UserAgent', c.userAgent],
    ['ExpirationTime', String(c.expirationTime)],
    ['OutboundProxy', c.outboundProxy],
    ['Status', c.status],
    ['RoundtripUsec', roundtrip(c)],
  ];
}

function roundtrip(c: Contact): string {
  return c.roundtripUsec === null ? 'N/A' : String(c.roundtripUsec);
}

/**
 * The AOR's fields. `contactsField` names the field that lists the contacts: `Contacts` in
 * AorList and AorDetail, `Contact` in InboundRegistrationDetail (which adds `Contacts` last).
 */
export function aorFields(aor: Aor, contacts: readonly Contact[], contactsField: 'Contacts' | 'Contact' = 'Contacts'): AmiField[] {
  return [
    ['ObjectType', 'aor'],
    ['ObjectName', aor.name],
    ['MinimumExpiration', String(aor.minimumExpiration)],
    ['DefaultExpiration', String(aor.defaultExpiration)],
    ['QualifyTimeout', seconds(aor.qualifyTimeout)],
    ['Qualify2xxOnly', 'false'],
    ['Mailboxes', ''],
    ['SupportPath', 'false'],
    ['RemoveUnavailable', bool(aor.removeUnavailable)],
    ['VoicemailExtension', ''],
    ['MaxContacts', String(aor.maxContacts)],
    ['AuthenticateQualify', 'false'],
    [contactsField, contactNames(contacts).join(',')],
    ['MaximumExpiration', String(aor.maximumExpiration)],
    ['QualifyFrequency', String(aor.qualifyFrequency)],
    ['RemoveExisting', bool(aor.removeExisting)],
    ['OutboundProxy', ''],
  ];
}

export function inboundRegistrationFields(aor: Aor, contacts: readonly Contact[]): AmiField[] {
  return [...aorFields(aor, contacts, 'Contact'), ['Contacts', trailingCommaList(contacts)]];
}

export function aorDetailFields(aor: Aor, contacts: readonly Contact[], endpoint: string): AmiField[] {
  return [
    ...aorFields(aor, contacts),
    ['TotalContacts', String(contacts.length)],
    ['ContactsRegistered', String(contacts.length)],
    ['EndpointName', endpoint],
  ];
}

/** EndpointList and InboundRegistrationDetail end every `aor/uri` with a comma. */
function trailingCommaList(contacts: readonly Contact[]): string {
  return contactNames(contacts)
    .map((name) => `${name},`)
    .join('');
}

export function endpointListFields(e: SandboxEndpoint, state: Endpoint, contacts: readonly Contact[]): AmiField[] {
  return [
    ['ObjectType', 'endpoint'],
    ['ObjectName', e.name],
    ['Transport', e.transport ?? ''],
    ['Aor', e.aors.join(',')],
    ['Auths', e.auth ?? ''],
    ['OutboundAuths', ''],
    ['Contacts', trailingCommaList(contacts)],
    ['DeviceState', state.deviceState],
    ['ActiveChannels', '0'],
  ];
}

export function endpointDetailFields(e: SandboxEndpoint, state: Endpoint): AmiField[] {
  const configured = new Map<string, string>([
    ['Aors', e.aors.join(',')],
    ['Context', e.context],
    ['Transport', e.transport ?? ''],
    ['Auth', e.auth ?? ''],
    ['DeviceState', state.deviceState],
  ]);
  for (const [option, value] of Object.entries(e.options)) {
    if (option === 'allow') configured.set('Allow', `(${value.split(',').map((c) => c.trim()).join('|')})`);
    else configured.set(camelCase(option), value);
  }
  return [
    ['ObjectType', 'endpoint'],
    ['ObjectName', e.name],
    ...ENDPOINT_DETAIL.map(([field, recorded]): AmiField => {
      const value = configured.get(field);
      return [field, value === undefined ? recorded : inStyleOf(recorded, value)];
    }),
  ];
}

export function authDetailFields(a: SandboxAuth, endpoint: string): AmiField[] {
  const configured: Record<string, string> = { Username: a.username, Password: a.password, Realm: a.realm ?? '' };
  return [
    ['ObjectType', 'auth'],
    ['ObjectName', a.name],
    ...AUTH_DETAIL.map(([field, recorded]): AmiField => [field, configured[field] ?? recorded]),
    ['EndpointName', endpoint],
  ];
}

export function transportDetailFields(t: SandboxTransport, endpoint: string): AmiField[] {
  const configured: Record<string, string> = { Protocol: t.protocol, Bind: t.bind };
  return [
    ['ObjectType', 'transport'],
    ['ObjectName', t.name],
    ...TRANSPORT_DETAIL.map(([field, recorded]): AmiField => [field, configured[field] ?? recorded]),
    ['EndpointName', endpoint],
  ];
}

/** ast_to_camel_case: `direct_media` -> `DirectMedia`. */
export function camelCase(option: string): string {
  return option
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Booleans print as Asterisk prints that option: true/false for some, yes/no for others. */
function inStyleOf(recorded: string, value: string): string {
  if (recorded === 'true' || recorded === 'false') return bool(isAstTrue(value));
  if (recorded === 'yes' || recorded === 'no') return isAstTrue(value) ? 'yes' : 'no';
  return value;
}
