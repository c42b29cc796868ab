/* Event simulator: pp crossings with decays, tracks through the VELO, the magnet, the UT and the SciFi, MDF output. */
#ifndef KST_SIM_GENERATE_H
#define KST_SIM_GENERATE_H

#include <stdint.h>

#include "checker/mc_truth.h"
#include "configuration/geometry.h"
#include "device/event_model/scifi_geometry.h"
#include "device/event_model/ut_geometry.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_SIM_ODIN_BANK 16
#define KST_SIM_ODIN_VERSION 6   /* ODIN v6 word layout (docs/simulation.md) */
#define KST_SIM_ODIN_WORDS 10
#define KST_SIM_MC_VERSION 2     /* MC particle banks carry fromSignal */
#define KST_SIM_REC_PV_TRACKS 4  /* a PV is reconstructible with this many hasVelo tracks (LHCb) */
#define KST_SIM_UT_BANK 66       /* UT banks, version 3 */
#define KST_SIM_UT_VERSION 3
#define KST_SIM_SCIFI_BANK 64    /* SciFi "FTCluster" banks, version 5 */
#define KST_SIM_SCIFI_VERSION 5

/* A forced decay per event (one signal hadron in the first interaction). */
typedef enum kst_sim_signal {
  KST_SIM_SIGNAL_NONE = 0,
  KST_SIM_SIGNAL_B0_KPI,     /* B0 -> K+ pi- */
  KST_SIM_SIGNAL_BS_PHIPHI,  /* Bs -> phi(K+K-) phi(K+K-) */
  KST_SIM_SIGNAL_D0_KPI,     /* D0 -> K- pi+ */
  KST_SIM_SIGNAL_BP_JPSIK,   /* B+ -> J/psi(mu+mu-) K+ */
  KST_SIM_SIGNAL_DP_KPIPI,   /* D+ -> K- pi+ pi+ */
  KST_SIM_SIGNAL_LB_PK,      /* Lambda_b0 -> p K- */
  KST_SIM_SIGNAL_COUNT
} kst_sim_signal;

/* The downstream detector the simulator reads: the same LHCb files the decoders use (docs/simulation.md). */
typedef struct kst_sim_downstream {
  kst_ut_readout ut_readout;
  kst_ut_geometry ut;
  kst_scifi_geometry scifi;
} kst_sim_downstream;

/* Everything that shapes the events; kst_sim_options_default fills LHCb-Upgrade-like values. */
typedef struct kst_sim_options {
  uint64_t seed;
  uint32_t run;                   /* run number (ODIN and MDF header) */
  uint64_t first_event;           /* event number of event index 0 */
  /* crossings */
  double pileup;                  /* mean pp interactions per crossing (Poisson, at least one) */
  double beam_x, beam_y, beam_z;  /* luminous region centre, mm */
  double sigma_xy, sigma_z;       /* luminous region Gaussian widths, mm */
  /* soft QCD */
  double frac_sd, frac_dd;        /* single / double diffractive fractions of inelastic interactions */
  double dndeta;                  /* charged per unit eta at eta = 0, non-diffractive */
  double nbd_k;                   /* negative binomial shape of the non-diffractive multiplicity */
  double eta_edge, eta_width;     /* dN/deta plateau: Fermi edge at |eta| = eta_edge, fall-off width */
  double diff_density;            /* charged per unit eta inside a diffractive system */
  double tsallis_n, tsallis_t;    /* light-hadron spectrum (1 + (mT - m)/(n T))^-n, T in MeV */
  double frac_pi, frac_k, frac_p, frac_e, frac_mu; /* prompt charged species (normalised) */
  double k0s_per_eta, lambda_per_eta; /* per unit eta per non-diffractive interaction (Lambda + anti) */
  double charm_fraction, beauty_fraction; /* non-diffractive interactions with a c cbar / b bbar pair */
  double charm_mean_pt, beauty_mean_pt;   /* MeV */
  /* detector */
  double material_x0;             /* radiation lengths per module crossed (at normal incidence) */
  double hit_efficiency;          /* probability that a crossed sensor gives a cluster */
  double hit_resolution;          /* mm, Gaussian smearing per local coordinate before quantisation */
  double noise_per_event;         /* mean noise clusters per event (Poisson) */
  /* downstream: the magnet, the UT and the SciFi, simulated only when `downstream` is set */
  const kst_sim_downstream *downstream; /* copied by kst_sim_create; NULL: VELO only */
  double polarity;                /* -1 down (the LHCb sample's), +1 up */
  double upstream_x0;             /* radiation lengths between the VELO and the UT (RICH1, windows) */
  double ut_x0, scifi_x0;         /* radiation lengths per UT / SciFi layer at normal incidence */
  double ut_efficiency, scifi_efficiency; /* probability that a crossed sector / mat gives a cluster */
  double ut_resolution;           /* strips, Gaussian smearing before quarter-strip quantisation */
  double scifi_resolution;        /* channels, Gaussian smearing before the cluster is placed */
  double ut_noise_per_event, scifi_noise_per_event; /* clusters of no MC particle (noise, spill-over), Poisson */
  double secondaries_per_event;   /* soft charged particles made in the material after the VELO (Poisson mean) */
  double secondary_z_min, secondary_z_max; /* mm: where they are born (uniform in z)... */
  double secondary_ut_fraction;   /* ...except this fraction, born between 2000 mm and the second UT layer */
  double secondary_mean_p;        /* MeV above 100 MeV, exponential */
  double secondary_angle;         /* rad: Gaussian spread of their direction about the line from the beam */
  /* signal */
  kst_sim_signal signal;
  int signal_in_acceptance;       /* 1: signal charged daughters all within 10..400 mrad (LHCb's cut) */
} kst_sim_options;

/* One retina cluster of an event, in bank order (sensor, then word). */
typedef struct kst_sim_cluster {
  uint16_t sensor;
  uint32_t word;
  uint32_t lhcbid;
  int32_t key;                    /* MC key of the (first) particle that made it; -1 for noise */
} kst_sim_cluster;

/* One downstream cluster word in bank order: the bank's source id, the word, the strips it spans (UT ADC bytes). */
typedef struct kst_sim_word {
  uint16_t source, word;
  uint8_t size;
} kst_sim_word;

/* One generated event; zero it before the first kst_sim_generate_event, free with kst_sim_event_free. */
typedef struct kst_sim_event {
  uint64_t number;                /* event number (first_event + index) */
  uint32_t n_interactions;
  kst_mc_event mc;                /* stored particles (key = index) with VELO ids, and the PVs */
  kst_sim_cluster *clusters;
  uint32_t n_clusters, n_noise;   /* n_noise: clusters with key -1 */
  uint32_t n_charged;             /* charged particles made (with hits or not) */
  kst_sim_word *ut_words, *ft_words; /* UT hits and SciFi cluster words, sorted by (source, word) */
  uint32_t n_ut_words, n_ft_words;
  uint32_t n_ut_noise;            /* UT hits of no MC particle */
  uint32_t n_ft_clusters, n_ft_noise; /* SciFi clusters as the version-5 rule decodes them, and those of no particle */
} kst_sim_event;

/* Totals of a run. */
typedef struct kst_sim_stats {
  uint64_t events, interactions, pvs_visible, particles, has_velo, clusters, noise;
  uint64_t ut_hits, ft_clusters, is_long; /* downstream totals (0 without the downstream detector) */
  uint64_t bytes;                 /* MDF bytes written */
} kst_sim_stats;

typedef struct kst_sim kst_sim;

/* Fills o with the defaults (docs/simulation.md lists them). */
void kst_sim_options_default(kst_sim_options *o);
/* KST_ERR_INVALID naming the first option out of range. */
kst_status kst_sim_options_check(const kst_sim_options *o);
/* Signal by name ("B0->K+pi-", ...); KST_ERR_INVALID listing the known names otherwise. */
kst_status kst_sim_signal_parse(const char *name, kst_sim_signal *out);
/* The command-line name of a signal ("none" for KST_SIM_SIGNAL_NONE). */
const char *kst_sim_signal_name(kst_sim_signal s);

/* Reads ut_boards.bin, ut_geometry.bin and scifi_geometry.bin from the folder dir. */
kst_status kst_sim_downstream_load(kst_sim_downstream *d, const char *dir);

/* Creates a generator for the options and geometry (both copied). */
kst_status kst_sim_create(kst_sim **sim, const kst_sim_options *o, const kst_velo_geometry *g);
/* Frees a generator; NULL is a no-op. */
void kst_sim_destroy(kst_sim *sim);
/* Generates event `index` into ev (replacing its contents). The result depends only on the
 * options, the geometry and index, so any event can be remade alone. */
kst_status kst_sim_generate_event(kst_sim *sim, uint64_t index, kst_sim_event *ev);
/* Encodes an event as one MDF record (ODIN, 208 retina banks, with the downstream detector 180 UT and 240 SciFi
 * banks, MC particles, MC vertices) into a
 * malloc'd buffer. */
kst_status kst_sim_encode_event(const kst_sim *sim, const kst_sim_event *ev, uint8_t **out, size_t *size);
/* Frees an event's arrays and zeroes it. */
void kst_sim_event_free(kst_sim_event *ev);

/* Generates n_events events (indices 0..n-1) into path; stats may be NULL. A failed run removes path. */
kst_status kst_sim_generate_file(const kst_sim_options *o, const kst_velo_geometry *g, uint64_t n_events,
                                 const char *path, kst_sim_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
