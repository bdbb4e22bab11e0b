/* pt_rng.c - keyed xoshiro256** streams, the ziggurat normal's tables and
 * slow path, and the PERT sampler's set-up, CDF and quantile. */
#include "pt_rng.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Ziggurat tables for 256 layers, computed once in 80-bit long double:
 * R solved by bisection so that the 255 layers above the base close
 * exactly at the mode (top layer: x_1 (1 - f(x_1)) = V), V = R f(R) +
 * integral of f beyond R, x_i from f(x_i) = f(x_{i+1}) + V / x_{i+1}.
 * Then pt_zig_k[0] = R / (V / f(R)) 2^52, pt_zig_k[i] = x_{i-1} / x_i 2^52,
 * pt_zig_w[0] = (V / f(R)) / 2^52, pt_zig_w[i] = x_i / 2^52, pt_zig_f[i] =
 * f(x_i), pt_zig_f[0] = 1. test_rng checks every layer's area against V.
 */
const uint64_t pt_zig_k[256] = {
	0x000ef33d8025ef65ULL, 0x0000000000000000ULL, 0x000c08be98fbc6b6ULL,
	0x000da354fabd8146ULL, 0x000e51f67ec1eeecULL, 0x000eb255e9d3f77eULL,
	0x000eef4b817ecab8ULL, 0x000f19470afa44abULL, 0x000f37ed61ffcb17ULL,
	0x000f4f469561255bULL, 0x000f61a5e41ba396ULL, 0x000f707a755396a4ULL,
	0x000f7cb2ec28449bULL, 0x000f86f10c6357d2ULL, 0x000f8fa6578325ddULL,
	0x000f9724c74dd0daULL, 0x000f9da907dbf508ULL, 0x000fa360f581fa72ULL,
	0x000fa86fde5b4bf8ULL, 0x000facf160d354dbULL, 0x000fb0fb6718b90eULL,
	0x000fb49f8d5374c5ULL, 0x000fb7ec2366fe77ULL, 0x000fbaece9a1e50cULL,
	0x000fbdab9d040bedULL, 0x000fc03060ff6c57ULL, 0x000fc2821037a248ULL,
	0x000fc4a67ae25bd1ULL, 0x000fc6a2977aee30ULL, 0x000fc87aa92896a4ULL,
	0x000fca325e4bde85ULL, 0x000fcbcce902231aULL, 0x000fcd4d12f839c4ULL,
	0x000fceb54d8fec99ULL, 0x000fd007bf1dc930ULL, 0x000fd1464dd6c4e5ULL,
	0x000fd272a8e2f450ULL, 0x000fd38e4ff0c91eULL, 0x000fd49a9990b479ULL,
	0x000fd598b8920f52ULL, 0x000fd689c08e99ecULL, 0x000fd76ea9c8e832ULL,
	0x000fd848547b08e8ULL, 0x000fd9178bad2c8bULL, 0x000fd9dd07a7add2ULL,
	0x000fda9970105e8bULL, 0x000fdb4d5dc02e1fULL, 0x000fdbf95c5bfcd0ULL,
	0x000fdc9debb99a7dULL, 0x000fdd3b8118729dULL, 0x000fddd288342f8fULL,
	0x000fde6364369f63ULL, 0x000fdeee708d514eULL, 0x000fdf7401a6b42eULL,
	0x000fdff46599ed3eULL, 0x000fe06fe4bc24f1ULL, 0x000fe0e6c225a258ULL,
	0x000fe1593c28b84bULL, 0x000fe1c78cbc3f98ULL, 0x000fe231e9db1ca9ULL,
	0x000fe29885da1b91ULL, 0x000fe2fb8fb54186ULL, 0x000fe35b33558d4aULL,
	0x000fe3b799d0002aULL, 0x000fe410e99ead7eULL, 0x000fe46746d47734ULL,
	0x000fe4bad34c095bULL, 0x000fe50baed29524ULL, 0x000fe559f74ebc77ULL,
	0x000fe5a5c8e41212ULL, 0x000fe5ef3e138689ULL, 0x000fe6366fd91077ULL,
	0x000fe67b75c6d578ULL, 0x000fe6be661e11aaULL, 0x000fe6ff55e5f4f2ULL,
	0x000fe73e5900a701ULL, 0x000fe77b823e9e39ULL, 0x000fe7b6e37070a1ULL,
	0x000fe7f08d774242ULL, 0x000fe8289053f08cULL, 0x000fe85efb35173bULL,
	0x000fe893dc840864ULL, 0x000fe8c741f0cebcULL, 0x000fe8f9387d4ef6ULL,
	0x000fe929cc879b1cULL, 0x000fe95909d388eaULL, 0x000fe986fb939aa1ULL,
	0x000fe9b3ac714865ULL, 0x000fe9df2694b6d5ULL, 0x000fea0973abe67bULL,
	0x000fea329cf166a4ULL, 0x000fea5aab32952cULL, 0x000fea81a6d57419ULL,
	0x000feaa797de1cefULL, 0x000feacc85f3d91fULL, 0x000feaf07865e63cULL,
	0x000feb13762fec12ULL, 0x000feb3585fe2a4aULL, 0x000feb56ae3162b4ULL,
	0x000feb76f4e284f9ULL, 0x000feb965fe62013ULL, 0x000febb4f4cf9d7cULL,
	0x000febd2b8f449cfULL, 0x000febefb16e2e3dULL, 0x000fec0be31ebde8ULL,
	0x000fec2752b15a14ULL, 0x000fec42049dafd3ULL, 0x000fec5bfd29f196ULL,
	0x000fec75406ceef4ULL, 0x000fec8dd2500cb4ULL, 0x000feca5b6911f10ULL,
	0x000fecbcf0c427feULL, 0x000fecd38454fb15ULL, 0x000fece97488c8b3ULL,
	0x000fecfec47f91b7ULL, 0x000fed1377358528ULL, 0x000fed278f844903ULL,
	0x000fed3b10242f4cULL, 0x000fed4dfbad586dULL, 0x000fed605498c3dcULL,
	0x000fed721d414fe8ULL, 0x000fed8357e4a981ULL, 0x000fed9406a42cc8ULL,
	0x000feda42b85b704ULL, 0x000fedb3c8746ab3ULL, 0x000fedc2df416652ULL,
	0x000fedd171a46e52ULL, 0x000feddf813c8ad2ULL, 0x000feded0f90997fULL,
	0x000fedfa1e0fd413ULL, 0x000fee06ae124bc4ULL, 0x000fee12c0d95a06ULL,
	0x000fee1e579006dfULL, 0x000fee29734b6524ULL, 0x000fee34150ae4bbULL,
	0x000fee3e3db89b3cULL, 0x000fee47ee2982f3ULL, 0x000fee51271db086ULL,
	0x000fee59e9407f41ULL, 0x000fee623528b42dULL, 0x000fee6a0b5897f0ULL,
	0x000fee716c3e077aULL, 0x000fee7858327b81ULL, 0x000fee7ecf7b06b9ULL,
	0x000fee84d2484ab2ULL, 0x000fee8a60b66342ULL, 0x000fee8f7accc851ULL,
	0x000fee94207e25daULL, 0x000fee9851a829ebULL, 0x000fee9c0e13485bULL,
	0x000fee9f557273f3ULL, 0x000feea22762ccaeULL, 0x000feea4836b42abULL,
	0x000feea668fc2d71ULL, 0x000feea7d76ed6f9ULL, 0x000feea8ce04fa0aULL,
	0x000feea94be8333bULL, 0x000feea95029640fULL, 0x000feea8d9c0075dULL,
	0x000feea7e7897653ULL, 0x000feea678481d24ULL, 0x000feea48aa29e82ULL,
	0x000feea21d22e4d9ULL, 0x000fee9f2e352024ULL, 0x000fee9bbc26af2eULL,
	0x000fee97c524f2e3ULL, 0x000fee93473c0a39ULL, 0x000fee8e40557515ULL,
	0x000fee88ae369c79ULL, 0x000fee828e7f3dfcULL, 0x000fee7bdea7b887ULL,
	0x000fee749bff37ffULL, 0x000fee6cc3a9bd5eULL, 0x000fee64529e007fULL,
	0x000fee5b45a32888ULL, 0x000fee51994e57b5ULL, 0x000fee474a0006ceULL,
	0x000fee3c53e12c4fULL, 0x000fee30b2e02ad7ULL, 0x000fee2462ad8204ULL,
	0x000fee175eb83c59ULL, 0x000fee09a22a1447ULL, 0x000fedfb27e349cbULL,
	0x000fedebea76216cULL, 0x000feddbe422047dULL, 0x000fedcb0ece39d3ULL,
	0x000fedb964042cf3ULL, 0x000feda6dce938c9ULL, 0x000fed937237e98cULL,
	0x000fed7f1c38a836ULL, 0x000fed69d2b9c02aULL, 0x000fed538d06adffULL,
	0x000fed3c41dea422ULL, 0x000fed23e76a2fd7ULL, 0x000fed0a732fe643ULL,
	0x000fecefda07fe33ULL, 0x000fecd4100eb7b8ULL, 0x000fecb708956eb4ULL,
	0x000fec98b61230c0ULL, 0x000fec790a0da978ULL, 0x000fec57f50f31fdULL,
	0x000fec356686c961ULL, 0x000fec114cb4b334ULL, 0x000febeb948e6fd0ULL,
	0x000febc429a0b691ULL, 0x000feb9af5ee0cdcULL, 0x000feb6fe1c98542ULL,
	0x000feb42d3ad1f9eULL, 0x000feb13b00b2d4bULL, 0x000feae2591a02e8ULL,
	0x000feaaeae992256ULL, 0x000fea788d8ee326ULL, 0x000fea3fcffd73e5ULL,
	0x000fea044c8dd9f6ULL, 0x000fe9c5d62f563aULL, 0x000fe9843ba947a3ULL,
	0x000fe93f471d4728ULL, 0x000fe8f6bd76c5d6ULL, 0x000fe8aa5dc4e8e6ULL,
	0x000fe859e07ab1eaULL, 0x000fe804f690a93fULL, 0x000fe7ab488233bfULL,
	0x000fe74c751f6aa5ULL, 0x000fe6e8102aa201ULL, 0x000fe67da0b6abd8ULL,
	0x000fe60c9f38307dULL, 0x000fe5947338f742ULL, 0x000fe51470977280ULL,
	0x000fe48bd436f457ULL, 0x000fe3f9bffd1e37ULL, 0x000fe35d35eeb19bULL,
	0x000fe2b5122fe4fdULL, 0x000fe20003995557ULL, 0x000fe13c82788314ULL,
	0x000fe068c4ee67afULL, 0x000fdf82b02b71aaULL, 0x000fde87c57efeaaULL,
	0x000fdd7509c63bfdULL, 0x000fdc46e529bf12ULL, 0x000fdaf8f82e0282ULL,
	0x000fd985e1b2ba75ULL, 0x000fd7e6ef48cf04ULL, 0x000fd613adbd650bULL,
	0x000fd40149e2f011ULL, 0x000fd1a1a7b4c7acULL, 0x000fcee204761f9eULL,
	0x000fcba8d85e11b1ULL, 0x000fc7d26ecd2d22ULL, 0x000fc32b2f1e22ecULL,
	0x000fbd6581c0b839ULL, 0x000fb606c4005433ULL, 0x000fac40582a2873ULL,
	0x000f9e971e014597ULL, 0x000f89fa48a41dfbULL, 0x000f66c5f7f0302cULL,
	0x000f1a5a4b331c49ULL
};

const double pt_zig_w[256] = {
	0x1.f493b7815d982p-51, 0x1.b8d0be3fdf703p-55, 0x1.250af3c2c5bc6p-54,
	0x1.57cb938443b71p-54, 0x1.801fce82fa71bp-54, 0x1.a230c2e4cd0cbp-54,
	0x1.c004d2f386207p-54, 0x1.dac2f5a747281p-54, 0x1.f32482d4cd5dp-54,
	0x1.04d32278ebbb4p-53, 0x1.0f5053b025d4ap-53, 0x1.192a69741367dp-53,
	0x1.227a28f7a1afap-53, 0x1.2b52e3863d885p-53, 0x1.33c3fc05791fap-53,
	0x1.3bd9ec1a2b134p-53, 0x1.439ef8dff9b5ap-53, 0x1.4b1bb363dfeadp-53,
	0x1.52575621ad379p-53, 0x1.59580a707ce9cp-53, 0x1.60231cfd97ef1p-53,
	0x1.66bd261a37c44p-53, 0x1.6d2a292000577p-53, 0x1.736dad346f8adp-53,
	0x1.798ad10b32a7ep-53, 0x1.7f845ad46f549p-53, 0x1.855cc53430a7dp-53,
	0x1.8b1649e7b769fp-53, 0x1.90b2ea94ecf9ep-53, 0x1.96347822c1efp-53,
	0x1.9b9c98e38c54dp-53, 0x1.a0eccdca4a731p-53, 0x1.a62676d77cd5fp-53,
	0x1.ab4ad6e101636p-53, 0x1.b05b16d136ca2p-53, 0x1.b558487427a2fp-53,
	0x1.ba4368e529f4p-53, 0x1.bf1d62abf8239p-53, 0x1.c3e70f9594ef8p-53,
	0x1.c8a13a5323b66p-53, 0x1.cd4c9fe72268fp-53, 0x1.d1e9f0e80b74bp-53,
	0x1.d679d29e41f14p-53, 0x1.dafce0023b8c8p-53, 0x1.df73aa9f17656p-53,
	0x1.e3debb5d2ee02p-53, 0x1.e83e9337a6f04p-53, 0x1.ec93abdf982d2p-53,
	0x1.f0de784f0622ap-53, 0x1.f51f654d8f68cp-53, 0x1.f956d9e87d7b2p-53,
	0x1.fd8537dfa2eb1p-53, 0x1.00d56e04234eep-52, 0x1.02e40f5398f9dp-52,
	0x1.04eea9e16a5ffp-52, 0x1.06f565b72a014p-52, 0x1.08f869071f40fp-52,
	0x1.0af7d84bc6116p-52, 0x1.0cf3d664bcc83p-52, 0x1.0eec84b16086fp-52,
	0x1.10e20329515f1p-52, 0x1.12d4707310fc1p-52, 0x1.14c3e9f8e9143p-52,
	0x1.16b08bfc4202p-52, 0x1.189a71a78da37p-52, 0x1.1a81b51ee6d8bp-52,
	0x1.1c666f8f82acfp-52, 0x1.1e48b93e0d431p-52, 0x1.2028a9940a0a3p-52,
	0x1.2206572c4c6ecp-52, 0x1.23e1d7de9c322p-52, 0x1.25bb40ca96bfep-52,
	0x1.2792a661dd381p-52, 0x1.29681c719d71dp-52, 0x1.2b3bb62b82edbp-52,
	0x1.2d0d862e1b856p-52, 0x1.2edd9e8cba99p-52, 0x1.30ac10d6e48dap-52,
	0x1.3278ee1f4b933p-52, 0x1.3444470265ea4p-52, 0x1.360e2baca52d7p-52,
	0x1.37d6abe05586cp-52, 0x1.399dd6fb2b267p-52, 0x1.3b63bbfb83d06p-52,
	0x1.3d28698561de3p-52, 0x1.3eebede725a85p-52, 0x1.40ae571e09e76p-52,
	0x1.426fb2da6745fp-52, 0x1.44300e83c30a6p-52, 0x1.45ef773cac75ep-52,
	0x1.47adf9e66c338p-52, 0x1.496ba32488f3p-52, 0x1.4b287f602415ep-52,
	0x1.4ce49acb311ddp-52, 0x1.4ea001638a606p-52, 0x1.505abef5e5563p-52,
	0x1.5214df20a8b5cp-52, 0x1.53ce6d56a665p-52, 0x1.558774e1bb2c9p-52,
	0x1.574000e555f79p-52, 0x1.58f81c60e8515p-52, 0x1.5aafd23241b5ap-52,
	0x1.5c672d17d733fp-52, 0x1.5e1e37b2f8cd4p-52, 0x1.5fd4fc89f5e39p-52,
	0x1.618b860a31fc5p-52, 0x1.6341de8a2b0a4p-52, 0x1.64f8104b7260dp-52,
	0x1.66ae257c99674p-52, 0x1.6864283b13139p-52, 0x1.6a1a22950b2b3p-52,
	0x1.6bd01e8b343bdp-52, 0x1.6d8626128d354p-52, 0x1.6f3c43161f856p-52,
	0x1.70f27f78b68ecp-52, 0x1.72a8e516914c7p-52, 0x1.745f7dc70eeddp-52,
	0x1.7616535e5732p-52, 0x1.77cd6faeff44ap-52, 0x1.7984dc8babd94p-52,
	0x1.7b3ca3c8b140ap-52, 0x1.7cf4cf3db22fcp-52, 0x1.7ead68c73dee7p-52,
	0x1.80667a486ea1fp-52, 0x1.82200dac88677p-52, 0x1.83da2ce899f16p-52,
	0x1.8594e1fd1f5bep-52, 0x1.875036f7a7ec7p-52, 0x1.890c35f47f72ep-52,
	0x1.8ac8e9205c044p-52, 0x1.8c865aba10c9dp-52, 0x1.8e44951446a28p-52,
	0x1.9003a2973b591p-52, 0x1.91c38dc288349p-52, 0x1.9384612ef0afep-52,
	0x1.954627903a28bp-52, 0x1.9708ebb70d5efp-52, 0x1.98ccb892e2a33p-52,
	0x1.9a919933f99c1p-52, 0x1.9c5798cd5d92ep-52, 0x1.9e1ec2b6f7414p-52,
	0x1.9fe7226fad24dp-52, 0x1.a1b0c39f93696p-52, 0x1.a37bb21a2c85ep-52,
	0x1.a547f9e0bbb8bp-52, 0x1.a715a724aa9a7p-52, 0x1.a8e4c64a0313fp-52,
	0x1.aab563e9ff10ap-52, 0x1.ac878cd5af5cfp-52, 0x1.ae5b4e18bb338p-52,
	0x1.b030b4fc3a11bp-52, 0x1.b207cf09a985cp-52, 0x1.b3e0aa0e00c01p-52,
	0x1.b5bb541ce3d04p-52, 0x1.b797db93f8928p-52, 0x1.b9764f1e5f73dp-52,
	0x1.bb56bdb85256ep-52, 0x1.bd3936b2ec0a2p-52, 0x1.bf1dc9b81ae82p-52,
	0x1.c10486cec16ap-52, 0x1.c2ed7e5f07a2dp-52, 0x1.c4d8c136e0d1dp-52,
	0x1.c6c6608ec8705p-52, 0x1.c8b66e0eba617p-52, 0x1.caa8fbd36a2abp-52,
	0x1.cc9e1c73bd69p-52, 0x1.ce95e3068e037p-52, 0x1.d0906328b8f6ep-52,
	0x1.d28db1037ef2p-52, 0x1.d48de1533c647p-52, 0x1.d691096e7f123p-52,
	0x1.d8973f4d7fba4p-52, 0x1.daa0999206e6ep-52, 0x1.dcad2f8fc490cp-52,
	0x1.debd195522e34p-52, 0x1.e0d06fb49d219p-52, 0x1.e2e74c4ea46f3p-52,
	0x1.e501c99c1d186p-52, 0x1.e72002f97fe23p-52, 0x1.e94214b2abf09p-52,
	0x1.eb681c0f76f08p-52, 0x1.ed9237610a73ap-52, 0x1.efc086101eca9p-52,
	0x1.f1f328ac25321p-52, 0x1.f42a40fb74d6dp-52, 0x1.f665f20c90168p-52,
	0x1.f8a6604899782p-52, 0x1.faebb187122bfp-52, 0x1.fd360d22fe785p-52,
	0x1.ff859c118f60bp-52, 0x1.00ed447d3a075p-51, 0x1.021a8028fc947p-51,
	0x1.034a983a902abp-51, 0x1.047da4e3ef5c7p-51, 0x1.05b3bf6adb37ep-51,
	0x1.06ed023a72669p-51, 0x1.082988f632e18p-51, 0x1.0969708e8a255p-51,
	0x1.0aacd7571c0c5p-51, 0x1.0bf3dd1eed449p-51, 0x1.0d3ea34aa3d32p-51,
	0x1.0e8d4cf116594p-51, 0x1.0fdffefa69fb8p-51, 0x1.1136e04207043p-51,
	0x1.129219bbb5d37p-51, 0x1.13f1d69c4096fp-51, 0x1.1556448602e3dp-51,
	0x1.16bf93b9deef5p-51, 0x1.182df74d21262p-51, 0x1.19a1a564eebadp-51,
	0x1.1b1ad777f2f8fp-51, 0x1.1c99ca971a695p-51, 0x1.1e1ebfbe4ae39p-51,
	0x1.1fa9fc2e2d901p-51, 0x1.213bc9d04cc82p-51, 0x1.22d477a6fd3efp-51,
	0x1.24745a4ac9c24p-51, 0x1.261bcc77658ep-51, 0x1.27cb2faa8592ep-51,
	0x1.2982ecd770e78p-51, 0x1.2b437532a0a53p-51, 0x1.2d0d43196db97p-51,
	0x1.2ee0db1a978f5p-51, 0x1.30becd256aeeep-51, 0x1.32a7b5e68a4a3p-51,
	0x1.349c405ae12a3p-51, 0x1.369d27a33a84p-51, 0x1.38ab39256410ap-51,
	0x1.3ac7570ae88fap-51, 0x1.3cf27b31704a6p-51, 0x1.3f2dbaa60f475p-51,
	0x1.417a49cb9e5dbp-51, 0x1.43d9815545e94p-51, 0x1.464ce44a73a16p-51,
	0x1.48d62759c43bdp-51, 0x1.4b7739d6b5a28p-51, 0x1.4e3250dcd8903p-51,
	0x1.5109f53e9ac42p-51, 0x1.54011523a7e43p-51, 0x1.571b1a94ae41cp-51,
	0x1.5a5c08b718dd9p-51, 0x1.5dc8a243ad0fep-51, 0x1.61669cf861e4bp-51,
	0x1.653ce7b006aeap-51, 0x1.69540be9fe5c2p-51, 0x1.6db6b8d09e231p-51,
	0x1.72728f05f7a33p-51, 0x1.7799556090672p-51, 0x1.7d42df4d6ce8bp-51,
	0x1.839030529f233p-51, 0x1.8ab0fbfaa7c14p-51, 0x1.92ee0946f4496p-51,
	0x1.9cbee014057aap-51, 0x1.a8fdc78947759p-51, 0x1.b981f3878fdbp-51,
	0x1.d3bb48209ad33p-51
};

const double pt_zig_f[256] = {
	0x1p+0, 0x1.f446ac979f084p-1, 0x1.eb7545b6ca912p-1,
	0x1.e3f11e027f074p-1, 0x1.dd36fa704de92p-1, 0x1.d70920657bcefp-1,
	0x1.d144978a119d9p-1, 0x1.cbd33a8a72de8p-1, 0x1.c6a5ecea9787cp-1,
	0x1.c1b1cd9eebae7p-1, 0x1.bceeb4ee1dc7fp-1, 0x1.b85653a8ff54fp-1,
	0x1.b3e3a8234dd0ep-1, 0x1.af92a3f6ce8ap-1, 0x1.ab5fef17a2502p-1,
	0x1.a748bd550c9dep-1, 0x1.a34aafdf5af0cp-1, 0x1.9f63bee651fd5p-1,
	0x1.9b9228d24067ep-1, 0x1.97d4657617abep-1, 0x1.94291c21b7a43p-1,
	0x1.908f1bd31714bp-1, 0x1.8d0554fe60aa4p-1, 0x1.898ad48badefep-1,
	0x1.861ebfc37bca8p-1, 0x1.82c050f56cf6bp-1, 0x1.7f6ed4b20e2c8p-1,
	0x1.7c29a779c6855p-1, 0x1.78f033ca0b0d2p-1, 0x1.75c1f0770d852p-1,
	0x1.729e5f43f6d0ep-1, 0x1.6f850baea7aebp-1, 0x1.6c7589e635a86p-1,
	0x1.696f75e513b26p-1, 0x1.667272a92e32p-1, 0x1.637e298550c15p-1,
	0x1.6092498802661p-1, 0x1.5dae86f4aff66p-1, 0x1.5ad29acc85c85p-1,
	0x1.57fe4264c8d8cp-1, 0x1.55313f08d9e44p-1, 0x1.526b55a656cd3p-1,
	0x1.4fac4e820b665p-1, 0x1.4cf3f4f494ebep-1, 0x1.4a42172dc5276p-1,
	0x1.479685fdf500fp-1, 0x1.44f114a493676p-1, 0x1.425198a355fep-1,
	0x1.3fb7e99585b7fp-1, 0x1.3d23e10af31a1p-1, 0x1.3a955a662cd0bp-1,
	0x1.380c32bda00d2p-1, 0x1.358848bf550e6p-1, 0x1.33097c9703a32p-1,
	0x1.308fafd6438ebp-1, 0x1.2e1ac55ea3be9p-1, 0x1.2baaa14d79545p-1,
	0x1.293f28e93cd11p-1, 0x1.26d84290504e9p-1, 0x1.2475d5a90db8p-1,
	0x1.2217ca92ff7eep-1, 0x1.1fbe0a992961dp-1, 0x1.1d687fe549966p-1,
	0x1.1b171573fd10ep-1, 0x1.18c9b709b3c4dp-1, 0x1.16805128639d6p-1,
	0x1.143ad105ea998p-1, 0x1.11f9248311f34p-1, 0x1.0fbb3a232590fp-1,
	0x1.0d8101041429cp-1, 0x1.0b4a68d70d9abp-1, 0x1.091761d995d7dp-1,
	0x1.06e7dccf03c33p-1, 0x1.04bbcafa63f2bp-1, 0x1.02931e18b8228p-1,
	0x1.006dc85b8cac2p-1, 0x1.fc9778c7bbd9bp-2, 0x1.f859da7a900c4p-2,
	0x1.f4229cb2f7aecp-2, 0x1.eff1a717e8f8ep-2, 0x1.ebc6e20bd1f4fp-2,
	0x1.e7a236a4ec3bfp-2, 0x1.e3838ea5f9b7ep-2, 0x1.df6ad47763a03p-2,
	0x1.db57f320b56aap-2, 0x1.d74ad6426de2dp-2, 0x1.d3436a102107bp-2,
	0x1.cf419b4ae5b69p-2, 0x1.cb45573c0a843p-2, 0x1.c74e8bb00d7c3p-2,
	0x1.c35d26f1d2cb5p-2, 0x1.bf7117c616a14p-2, 0x1.bb8a4d6716d8fp-2,
	0x1.b7a8b78071319p-2, 0x1.b3cc462b331c8p-2, 0x1.aff4e9ea1855p-2,
	0x1.ac2293a5f5a9ap-2, 0x1.a85534aa4d87dp-2, 0x1.a48cbea20c04bp-2,
	0x1.a0c923946843bp-2, 0x1.9d0a55e1e93dcp-2, 0x1.995048418c0c3p-2,
	0x1.959aedbe09f8fp-2, 0x1.91ea39b33cb13p-2, 0x1.8e3e1fcb9f113p-2,
	0x1.8a9693fde9185p-2, 0x1.86f38a8ac5ab2p-2, 0x1.8354f7faa0dd5p-2,
	0x1.7fbad11b8d90dp-2, 0x1.7c250aff414acp-2, 0x1.78939af9252e6p-2,
	0x1.7506769c7b1e8p-2, 0x1.717d93ba96148p-2, 0x1.6df8e86124ca6p-2,
	0x1.6a786ad88de1ep-2, 0x1.66fc11a25cbdfp-2, 0x1.6383d377be513p-2,
	0x1.600fa7480d2c6p-2, 0x1.5c9f84376c241p-2, 0x1.5933619d6eebcp-2,
	0x1.55cb3703d00fdp-2, 0x1.5266fc2533beap-2, 0x1.4f06a8ebf6d91p-2,
	0x1.4baa357109ca2p-2, 0x1.485199fad6ad4p-2, 0x1.44fccefc324fcp-2,
	0x1.41abcd1357a18p-2, 0x1.3e5e8d08ed2d8p-2, 0x1.3b1507cf143acp-2,
	0x1.37cf368081376p-2, 0x1.348d125f9d19cp-2, 0x1.314e94d5af62dp-2,
	0x1.2e13b77210764p-2, 0x1.2adc73e963fdap-2, 0x1.27a8c414db11bp-2,
	0x1.2478a1f17de86p-2, 0x1.214c079f7cc9cp-2, 0x1.1e22ef6188113p-2,
	0x1.1afd539c2f04cp-2, 0x1.17db2ed5454e5p-2, 0x1.14bc7bb34ee63p-2,
	0x1.11a134fcf241dp-2, 0x1.0e895598709bdp-2, 0x1.0b74d88b242d4p-2,
	0x1.0863b8f904331p-2, 0x1.0555f2242e9d4p-2, 0x1.024b7f6c7747ap-2,
	0x1.fe88b89df93bcp-3, 0x1.f88108cb8322fp-3, 0x1.f27fe6ce998ccp-3,
	0x1.ec854a4c99c3ep-3, 0x1.e6912b2283cd9p-3, 0x1.e0a3816457181p-3,
	0x1.dabc455c79006p-3, 0x1.d4db6f8b2514cp-3, 0x1.cf00f8a5e6fcap-3,
	0x1.c92cd9971df52p-3, 0x1.c35f0b7d89d46p-3, 0x1.bd9787abe18a2p-3,
	0x1.b7d647a8731abp-3, 0x1.b21b452ccd13ap-3, 0x1.ac667a2571805p-3,
	0x1.a6b7e0b19267cp-3, 0x1.a10f7322d7e3cp-3, 0x1.9b6d2bfd2fe5ap-3,
	0x1.95d105f6a7c27p-3, 0x1.903afbf74fa68p-3, 0x1.8aab09192815ap-3,
	0x1.852128a819a38p-3, 0x1.7f9d5621f7174p-3, 0x1.7a1f8d368a323p-3,
	0x1.74a7c9c7ab5a8p-3, 0x1.6f3607e964719p-3, 0x1.69ca43e21f261p-3,
	0x1.64647a2adf1a4p-3, 0x1.5f04a76f884p-3, 0x1.59aac88f31d74p-3,
	0x1.5456da9c8683bp-3, 0x1.4f08dade31fc6p-3, 0x1.49c0c6cf5ce3p-3,
	0x1.447e9c20375d6p-3, 0x1.3f4258b6931afp-3, 0x1.3a0bfaae8d7eep-3,
	0x1.34db805b4ab89p-3, 0x1.2fb0e847c2a65p-3, 0x1.2a8c3137a071bp-3,
	0x1.256d5a2835eb6p-3, 0x1.2054625183c34p-3, 0x1.1b41492757d42p-3,
	0x1.16340e5a82d62p-3, 0x1.112cb1da26eb8p-3, 0x1.0c2b33d5209b9p-3,
	0x1.072f94bb8bf84p-3, 0x1.0239d54067d29p-3, 0x1.fa93ecb6b222bp-4,
	0x1.f0bff29520e16p-4, 0x1.e6f7bf29aa546p-4, 0x1.dd3b56176e88bp-4,
	0x1.d38abb9bd91dcp-4, 0x1.c9e5f493b7404p-4, 0x1.c04d0680b100ap-4,
	0x1.b6bff78f2e228p-4, 0x1.ad3ece9caf627p-4, 0x1.a3c9933ea627bp-4,
	0x1.9a604dc9d5b0bp-4, 0x1.9103075a4a09fp-4, 0x1.87b1c9dbf2846p-4,
	0x1.7e6ca013eefccp-4, 0x1.753395aaa116dp-4, 0x1.6c06b73694a46p-4,
	0x1.62e6124854d1p-4, 0x1.59d1b5774669dp-4, 0x1.50c9b06fa2babp-4,
	0x1.47ce1401b2212p-4, 0x1.3edef23269a81p-4, 0x1.35fc5e4d93e69p-4,
	0x1.2d266cf9b310dp-4, 0x1.245d344dd0d8fp-4, 0x1.1ba0cbe97897ep-4,
	0x1.12f14d0f2179dp-4, 0x1.0a4ed2c159622p-4, 0x1.01b979e30e496p-4,
	0x1.f262c2b6c6e34p-5, 0x1.e16d547b25185p-5, 0x1.d092efeadf162p-5,
	0x1.bfd3e0f282a2cp-5, 0x1.af30790385f6fp-5, 0x1.9ea90f9295561p-5,
	0x1.8e3e02a68b5a9p-5, 0x1.7defb77af271cp-5, 0x1.6dbe9b398d062p-5,
	0x1.5dab23cf2add1p-5, 0x1.4db5d0e11275cp-5, 0x1.3ddf2ce98eec7p-5,
	0x1.2e27ce83df495p-5, 0x1.1e9059f1f6ab6p-5, 0x1.0f1982e968009p-5,
	0x1.ff881d718a5b5p-6, 0x1.e121adb828c69p-6, 0x1.c301983cd0912p-6,
	0x1.a529f4e22ebf4p-6, 0x1.879d1b600c10bp-6, 0x1.6a5daf40bbf87p-6,
	0x1.4d6eaf2fbb067p-6, 0x1.30d388dab5e1ap-6, 0x1.149033460301ap-6,
	0x1.f152a4f72dd53p-7, 0x1.ba48d274f8fb3p-7, 0x1.841040d8da47ep-7,
	0x1.4eb96421acfe7p-7, 0x1.1a59229952f95p-7, 0x1.ce160f8ec683cp-8,
	0x1.69ea8d90cb864p-8, 0x1.08a1f03b0b205p-8, 0x1.55f9f43c1b07p-9,
	0x1.4a605b6b9f70dp-10
};

double pt_rng_normal_slow(struct pt_rng *r, uint64_t bits)
{
	for (;;) {
		unsigned layer = (unsigned)(bits & 0xff);
		int64_t value = (int64_t)bits >> 11;
		int64_t sign = value >> 63;
		uint64_t mag = (uint64_t)((value ^ sign) - sign);
		double x = (double)value * pt_zig_w[layer];
		if (mag < pt_zig_k[layer])
			return x;
		if (layer == 0) {
			/* The tail beyond R (Marsaglia 1964): exponential proposals. */
			double xt, y;
			do {
				xt = -log1p(-pt_rng_uniform(r)) / PT_ZIG_R;
				y = -log1p(-pt_rng_uniform(r));
			} while (y + y < xt * xt);
			return sign ? -(PT_ZIG_R + xt) : PT_ZIG_R + xt;
		}
		/* The wedge between the layer's rectangle and the curve. */
		if (pt_zig_f[layer] + pt_rng_uniform(r) * (pt_zig_f[layer - 1] - pt_zig_f[layer]) <
		    exp(-0.5 * x * x))
			return x;
		bits = pt_rng_next(r);
	}
}

uint64_t pt_rng_key1(uint64_t seed, uint64_t key1)
{
	return pt_rng_mix(pt_rng_mix(seed ^ UINT64_C(0xa0761d6478bd642f)) + pt_rng_mix(key1 ^ UINT64_C(0xe7037ed1a0b428db)));
}

uint64_t pt_rng_key23(uint64_t seed, uint64_t key2, uint64_t key3)
{
	uint64_t h = pt_rng_mix(seed ^ UINT64_C(0x8ebc6af09c88c6e3));
	h = pt_rng_mix(h ^ key2);
	return pt_rng_mix(h + UINT64_C(0x589965cc75374cc3) * (key3 + 1));
}

uint64_t pt_rng_id_key(const char *id)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	const unsigned char *p = (const unsigned char *)id;
	while (*p) {
		h ^= *p++;
		h *= UINT64_C(0x100000001b3);
	}
	return pt_rng_mix(h);
}

void pt_rng_seed(struct pt_rng *r, uint64_t seed, uint64_t key1, uint64_t key2, uint64_t key3)
{
	pt_rng_seed_parts(r, pt_rng_key1(seed, key1), pt_rng_key23(seed, key2, key3));
}

void pt_pert_prepare(struct pt_pert *p, const struct pt_range *r, double lambda)
{
	p->min = r->min;
	p->max = r->max;
	p->scale = r->max - r->min;
	p->lbeta = NAN;
	p->row = NULL;
	p->w[0] = p->w[1] = p->w[2] = 0;
	p->base = r->min;
	p->zsign = 1;
	if (!(p->scale > 0)) {
		p->constant = 1;
		p->scale = 0;
		p->max = p->min;
		p->alpha = p->beta = 1;
		p->ga_d = p->gb_d = 2.0 / 3.0;
		p->ga_c = p->gb_c = 1.0 / sqrt(6.0);
		return;
	}
	p->constant = 0;
	p->alpha = 1 + lambda * (r->mode - r->min) / p->scale;
	p->beta = 1 + lambda * (r->max - r->mode) / p->scale;
	p->ga_d = p->alpha - 1.0 / 3.0;
	p->ga_c = 1.0 / sqrt(9.0 * p->ga_d);
	p->gb_d = p->beta - 1.0 / 3.0;
	p->gb_c = 1.0 / sqrt(9.0 * p->gb_d);
}

/* log B(a, b); lgamma_r because lgamma writes the global signgam. */
static double log_beta(double a, double b)
{
	int sign;
	return lgamma_r(a, &sign) + lgamma_r(b, &sign) - lgamma_r(a + b, &sign);
}

void pt_pert_prepare_quantile(struct pt_pert *p)
{
	p->lbeta = p->constant ? 0 : log_beta(p->alpha, p->beta);
}

/* Continued fraction of the incomplete beta (modified Lentz; Numerical
 * Recipes 6.4), converging fast for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = DBL_MIN / DBL_EPSILON;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap, h;
	int m;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 10000; m++) {
		double m2 = 2.0 * m, aa, del;
		aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) <= DBL_EPSILON)
			break;
	}
	return h;
}

/*
 * Regularised incomplete beta I_x(a, b) into *lower and 1 - I_x(a, b) into
 * *upper, with y = 1 - x given separately so both tails keep their
 * relative precision. The smaller of the two comes from the continued
 * fraction, the other by subtraction. Returns x^a y^b / B(a, b), from which
 * the caller gets the density x^(a-1) y^(b-1) / B(a, b) for free.
 */
static double inc_beta(double a, double b, double lbeta, double x, double y, double *lower,
		       double *upper)
{
	double front;
	if (x <= 0) {
		*lower = 0;
		*upper = 1;
		return 0;
	}
	if (y <= 0) {
		*lower = 1;
		*upper = 0;
		return 0;
	}
	front = exp(a * log(x) + b * log(y) - lbeta);
	if (x < (a + 1) / (a + b + 2)) {
		*lower = front * beta_cf(a, b, x) / a;
		*upper = 1 - *lower;
	} else {
		*upper = front * beta_cf(b, a, y) / b;
		*lower = 1 - *upper;
	}
	return front;
}

/*
 * Solve I_v(a, b) = target for v in [0, 1] (a, b >= 1), target <= 1/2 so
 * the residual keeps its relative precision: closed forms when a or b is 1,
 * else Halley steps from a tail or normal-approximation start, kept inside
 * a bracket that bisection shrinks whenever a step leaves it.
 */
static double inc_beta_inverse(double a, double b, double lbeta, double target)
{
	double lo = 0, hi = 1, v;
	int it;
	if (!(target > 0))
		return 0;
	if (target >= 1)
		return 1;
	if (a == 1 && b == 1)
		return target;
	if (b == 1)
		return pow(target, 1 / a); /* I_v(a, 1) = v^a */
	if (a == 1)
		return -expm1(log1p(-target) / b); /* I_v(1, b) = 1 - (1 - v)^b */
	/* Far in the lower tail, I_v ~ v^a / (a B(a, b)); elsewhere the normal
	 * approximation (Abramowitz & Stegun 26.5.22 with 26.2.22's deviate). */
	v = exp((log(target) + log(a) + lbeta) / a);
	if (!(v < 0.1 * (a - 1) / (a + b - 2))) {
		double t = sqrt(-2 * log(target));
		double z = t - (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481));
		double al = (z * z - 3) / 6;
		double h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
		double w = z * sqrt(al + h) / h -
			   (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h));
		v = a / (a + b * exp(2 * w));
	}
	if (!(v > 0 && v < 1))
		v = 0.5;
	for (it = 0; it < 400; it++) {
		double lower, upper, resid, dens, step, vn, w = 1 - v;
		dens = inc_beta(a, b, lbeta, v, w, &lower, &upper) / (v * w);
		resid = lower - target;
		if (resid == 0)
			return v;
		if (resid < 0)
			lo = v;
		else
			hi = v;
		step = resid / dens;
		if (isfinite(step)) {
			/* Halley: f''/f' of I_v is (a-1)/v - (b-1)/(1-v). */
			double curv = step * ((a - 1) / v - (b - 1) / w);
			step = step / (1 - 0.5 * fmin(1.0, curv));
		}
		vn = v - step;
		if (!(vn > lo && vn < hi)) {
			vn = 0.5 * (lo + hi); /* bisect */
		} else if (fabs(step) <= 1e-9 * v) {
			/* Halley converges cubically: the error left after a step
			 * this small is far below the precision of a double. */
			return vn;
		}
		if (fabs(vn - v) <= 4 * DBL_EPSILON * v || hi - lo <= 4 * DBL_EPSILON * v)
			return vn;
		v = vn;
	}
	return v;
}

static double pert_lbeta(const struct pt_pert *p)
{
	return isnan(p->lbeta) ? log_beta(p->alpha, p->beta) : p->lbeta;
}

/* The PERT value for lower-tail probability lower (when upper_tail is 0)
 * or upper-tail probability upper (when it is 1), each at most 1/2. */
static double pert_solve(const struct pt_pert *p, double prob, int upper_tail)
{
	double lb = pert_lbeta(p), v, t;
	if (upper_tail) {
		v = inc_beta_inverse(p->beta, p->alpha, lb, prob);
		t = p->max - p->scale * v;
	} else {
		v = inc_beta_inverse(p->alpha, p->beta, lb, prob);
		t = p->min + p->scale * v;
	}
	return t < p->min ? p->min : t > p->max ? p->max : t;
}

double pt_pert_quantile(const struct pt_pert *p, double u)
{
	if (p->constant)
		return p->min;
	if (isnan(u))
		return NAN;
	if (u <= 0)
		return p->min;
	if (u >= 1)
		return p->max;
	if (u <= 0.5)
		return pert_solve(p, u, 0);
	return pert_solve(p, 1 - u, 1);
}

double pt_pert_quantile_normal(const struct pt_pert *p, double z)
{
	if (p->constant)
		return p->min;
	if (isnan(z))
		return NAN;
	if (z <= 0)
		return pert_solve(p, pt_normal_cdf(z), 0);
	return pert_solve(p, pt_normal_cdf(-z), 1);
}

double pt_pert_cdf(const struct pt_pert *p, double t)
{
	double x, y, lower, upper;
	if (isnan(t))
		return NAN;
	if (p->constant)
		return t >= p->min ? 1 : 0;
	if (t <= p->min)
		return 0;
	if (t >= p->max)
		return 1;
	x = (t - p->min) / p->scale;
	y = (p->max - t) / p->scale;
	inc_beta(p->alpha, p->beta, pert_lbeta(p), x, y, &lower, &upper);
	return lower;
}

double pt_normal_cdf(double z)
{
	return 0.5 * erfc(-z * M_SQRT1_2);
}

/* ---------------------------------------------------------------------------
 * The quantile table (pt_rng.h; docs/internals/quant.md)
 * ------------------------------------------------------------------------- */

/* One row: x = F^-1(Phi(z)) of Beta(a, b) at the cell ends z_k = -Z + k / STEPS,
 * with y = 1 - x solved from its own tail so both keep their precision, the
 * exact slope dx/dz = phi(z) / f(x), and the cubic Hermite piece of each cell. */
static void table_row(double a, double b, double *coef)
{
	const double h = 1.0 / PT_PERT_TABLE_STEPS, log_sqrt_2pi = 0.91893853320467274178;
	double lb = log_beta(a, b), x_prev = 0, d_prev = 0;
	int k;
	for (k = 0; k <= PT_PERT_TABLE_CELLS; k++) {
		double z = -PT_PERT_TABLE_Z + (double)k * h, x, y, d;
		if (z <= 0) {
			x = inc_beta_inverse(a, b, lb, pt_normal_cdf(z));
			y = 1 - x;
		} else {
			y = inc_beta_inverse(b, a, lb, pt_normal_cdf(-z));
			x = 1 - y;
		}
		d = x > 0 && y > 0 ? exp(-0.5 * z * z - log_sqrt_2pi + lb - (a - 1) * log(x) -
					 (b - 1) * log(y))
				   : 0;
		if (k > 0) {
			double *c = coef + 4 * (k - 1), dy = x - x_prev;
			c[0] = x_prev;
			c[1] = h * d_prev;
			c[2] = 3 * dy - h * (2 * d_prev + d);
			c[3] = -2 * dy + h * (d_prev + d);
		}
		x_prev = x;
		d_prev = d;
	}
}

static double table_cell(const double *c, double u)
{
	return ((c[3] * u + c[2]) * u + c[1]) * u + c[0];
}

/* Weights of the three-point Lagrange interpolation at nodes -1, 0, 1 at position t. */
static void lagrange3(double t, double w[PT_PERT_TABLE_ROWS_USED])
{
	w[0] = t * (t - 1) / 2;
	w[1] = (1 - t) * (1 + t);
	w[2] = t * (t + 1) / 2;
}

/* Rows of the table at s = sqrt(alpha) = 1 + k ds, k = 0..n. */
struct table_build {
	double lambda, s_top;
	size_t n;
	double *coef; /* n + 1 rows */
};

#define TABLE_ROW (4 * (size_t)PT_PERT_TABLE_CELLS)

/* Largest |interpolated - exact| over the cell ends and middles of the
 * midpoints' rows mid[i] (s = 1 + (i + 1/2) ds), each from its stencil. */
static double table_check(const struct table_build *b, const double *mid)
{
	double worst = 0, w[PT_PERT_TABLE_ROWS_USED];
	size_t i, c;
	int j;
	for (i = 0; i < b->n; i++) {
		/* The stencil k-1..k+1 around the midpoint, as pt_pert_use_table picks it. */
		size_t k = i + 1 > b->n - 1 ? b->n - 1 : i + 1;
		const double *rows = b->coef + (k - 1) * TABLE_ROW, *exact = mid + i * TABLE_ROW;
		lagrange3((double)i + 0.5 - (double)k, w);
		for (c = 0; c < PT_PERT_TABLE_CELLS; c++) {
			double u;
			for (u = 0; u < 1; u += 0.5) {
				double x = 0;
				for (j = 0; j < PT_PERT_TABLE_ROWS_USED; j++)
					x += w[j] * table_cell(rows + (size_t)j * TABLE_ROW + 4 * c, u);
				worst = fmax(worst, fabs(x - table_cell(exact + 4 * c, u)));
			}
		}
	}
	return worst;
}

static void table_rows(double lambda, double s0, double ds, size_t n, double *coef)
{
	size_t k;
	for (k = 0; k < n; k++) {
		double s = s0 + (double)k * ds, a = s * s;
		table_row(a, 2 + lambda - a, coef + k * TABLE_ROW);
	}
}

enum pt_err pt_pert_table_new(double lambda, struct pt_pert_table **out)
{
	struct table_build b;
	struct pt_pert_table *t = NULL;
	double *mid = NULL, *merged = NULL;
	enum pt_err err = PT_ENOMEM;
	if (!out)
		return PT_EINVAL;
	*out = NULL;
	if (!(lambda >= 0 && lambda <= 1000))
		return PT_EINVAL;
	memset(&b, 0, sizeof b);
	b.lambda = lambda;
	b.s_top = sqrt(1 + lambda / 2);
	t = calloc(1, sizeof *t);
	if (!t)
		goto out;
	if (!(b.s_top > 1)) {
		/* lambda 0: one distribution (uniform), its row three times. */
		b.n = 2;
		if (!(b.coef = malloc(3 * TABLE_ROW * sizeof *b.coef)))
			goto out;
		table_rows(lambda, 1, 0, 1, b.coef);
		memcpy(b.coef + TABLE_ROW, b.coef, TABLE_ROW * sizeof *b.coef);
		memcpy(b.coef + 2 * TABLE_ROW, b.coef, TABLE_ROW * sizeof *b.coef);
	} else {
		/* Double the rows until the midpoints' rows are interpolated within the tolerance. */
		b.n = 4;
		if (!(b.coef = malloc((b.n + 1) * TABLE_ROW * sizeof *b.coef)))
			goto out;
		table_rows(lambda, 1, (b.s_top - 1) / (double)b.n, b.n + 1, b.coef);
		for (;;) {
			double ds = (b.s_top - 1) / (double)b.n;
			size_t k;
			if (!(mid = malloc(b.n * TABLE_ROW * sizeof *mid)))
				goto out;
			table_rows(lambda, 1 + 0.5 * ds, ds, b.n, mid);
			if (table_check(&b, mid) <= PT_PERT_TABLE_ALPHA_TOL)
				break;
			if (2 * b.n + 1 > PT_PERT_TABLE_MAX_ROWS) {
				err = PT_ELIMIT;
				goto out;
			}
			if (!(merged = malloc((2 * b.n + 1) * TABLE_ROW * sizeof *merged)))
				goto out;
			for (k = 0; k <= b.n; k++) {
				memcpy(merged + 2 * k * TABLE_ROW, b.coef + k * TABLE_ROW,
				       TABLE_ROW * sizeof *merged);
				if (k < b.n)
					memcpy(merged + (2 * k + 1) * TABLE_ROW, mid + k * TABLE_ROW,
					       TABLE_ROW * sizeof *merged);
			}
			free(b.coef);
			free(mid);
			mid = NULL;
			b.coef = merged;
			merged = NULL;
			b.n *= 2;
		}
	}
	t->lambda = lambda;
	t->n_rows = b.n + 1;
	t->s_top = b.s_top;
	t->ds = (b.s_top - 1) / (double)b.n;
	/* Built row by row; looked up cell by cell, so that the three rows a draw
	 * reads are 96 adjacent bytes (two cache lines on a 64-byte boundary). */
	{
		size_t bytes = t->n_rows * TABLE_ROW * sizeof *t->coef, k, c;
		bytes = (bytes + 63) / 64 * 64;
		if (!(t->coef = aligned_alloc(64, bytes)))
			goto out;
		for (k = 0; k < t->n_rows; k++)
			for (c = 0; c < PT_PERT_TABLE_CELLS; c++)
				memcpy(t->coef + 4 * (c * t->n_rows + k), b.coef + k * TABLE_ROW + 4 * c,
				       4 * sizeof *t->coef);
	}
	*out = t;
	t = NULL;
	err = PT_OK;
out:
	pt_pert_table_free(t);
	free(b.coef);
	free(mid);
	free(merged);
	return err;
}

void pt_pert_table_free(struct pt_pert_table *t)
{
	if (!t)
		return;
	free(t->coef);
	free(t);
}

void pt_pert_use_table(struct pt_pert *p, const struct pt_pert_table *t)
{
	double a, s, f, w[PT_PERT_TABLE_ROWS_USED], sc;
	size_t k;
	int mirror, j;
	p->row = NULL;
	if (!t || p->constant ||
	    !(fabs(p->alpha + p->beta - 2 - t->lambda) <= 1e-9 * (2 + t->lambda)))
		return;
	mirror = p->alpha > p->beta;
	a = mirror ? p->beta : p->alpha;
	s = sqrt(a < 1 ? 1 : a);
	if (t->ds > 0) {
		/* The nearest row in the middle of the stencil (the ends one-sided). */
		f = (s - 1) / t->ds;
		f = f > (double)(t->n_rows - 1) ? (double)(t->n_rows - 1) : f;
		k = (size_t)(f + 0.5);
		k = k < 1 ? 1 : k > t->n_rows - 2 ? t->n_rows - 2 : k;
		lagrange3(f - (double)k, w);
	} else {
		k = 1;
		w[0] = w[2] = 0;
		w[1] = 1;
	}
	sc = mirror ? -p->scale : p->scale;
	p->row = t->coef + 4 * (k - 1);
	p->cell_stride = 4 * t->n_rows;
	for (j = 0; j < PT_PERT_TABLE_ROWS_USED; j++)
		p->w[j] = sc * w[j];
	p->zsign = mirror ? -1 : 1;
	p->base = mirror ? p->max : p->min;
}
