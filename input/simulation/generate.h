/* Event simulator: minimum-bias pp crossings with decays, straight tracks through the VELO, MDF output. */
#ifndef KST_SIM_GENERATE_H
#define KST_SIM_GENERATE_H

#include <stdint.h>

#include "checker/mc_truth.h"
#include "configuration/geometry.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_SIM_ODIN_BANK 16
#define KST_SIM_ODIN_VERSION 6   /* ODIN v6 word layout (docs/simulation.md) */
#define KST_SIM_ODIN_WORDS 10
#define KST_SIM_MC_VERSION 2     /* MC particle banks carry fromSignal */
#define KST_SIM_REC_PV_TRACKS 4  /* a PV is reconstructible with this many hasVelo tracks (LHCb) */

/* A forced decay per event (one signal hadron in the first interaction). */
typedef enum kst_sim_signal {
  KST_SIM_SIGNAL_NONE = 0,
  KST_SIM_SIGNAL_B0_KPI,     /* B0 -> K+ pi- */
  KST_SIM_SIGNAL_BS_PHIPHI,  /* Bs -> phi(K+K-) phi(K+K-) */
  KST_SIM_SIGNAL_D0_KPI,     /* D0 -> K- pi+ */
  KST_SIM_SIGNAL_BP_JPSIK,   /* B+ -> J/psi(mu+mu-) K+ */
  KST_SIM_SIGNAL_COUNT
} kst_sim_signal;

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

/* One generated event; zero it before the first kst_sim_generate_event, free with kst_sim_event_free. */
typedef struct kst_sim_event {
  uint64_t number;                /* event number (first_event + index) */
  uint32_t n_interactions;
  kst_mc_event mc;                /* stored particles (key = index) with VELO ids, and the PVs */
  kst_sim_cluster *clusters;
  uint32_t n_clusters, n_noise;   /* n_noise: clusters with key -1 */
  uint32_t n_charged;             /* charged particles made (with hits or not) */
} kst_sim_event;

/* Totals of a run. */
typedef struct kst_sim_stats {
  uint64_t events, interactions, pvs_visible, particles, has_velo, clusters, noise;
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

/* Creates a generator for the options and geometry (both copied). */
kst_status kst_sim_create(kst_sim **sim, const kst_sim_options *o, const kst_velo_geometry *g);
/* Frees a generator; NULL is a no-op. */
void kst_sim_destroy(kst_sim *sim);
/* Generates event `index` into ev (replacing its contents). The result depends only on the
 * options, the geometry and index, so any event can be remade alone. */
kst_status kst_sim_generate_event(kst_sim *sim, uint64_t index, kst_sim_event *ev);
/* Encodes an event as one MDF record (ODIN, 208 retina banks, MC particles, MC vertices) into a
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
