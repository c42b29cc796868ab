/* The UT as kernels see it: the readout map (ut_boards condition: board lane -> channel id, sector, layer) and the
   strip geometry of its 1048 sectors (ut_geometry condition). configuration/ut_geometry.h loads both. */
#ifndef KST_UT_GEOMETRY_H
#define KST_UT_GEOMETRY_H

#include <stdint.h>

#define KST_UT_BOARDS 240
#define KST_UT_LANES_PER_BOARD 6
#define KST_UT_LANES (KST_UT_BOARDS * KST_UT_LANES_PER_BOARD)
#define KST_UT_STRIPS_PER_LANE 512 /* strips per hybrid of every present board (the file says so per board) */
#define KST_UT_SECTORS 1048
#define KST_UT_LAYERS 4
#define KST_UT_NO_SECTOR 0xFFFFu   /* a lane no sector is read through */
#define KST_UT_DETECTOR 3u          /* LHCbID detector type */

/* Lane row L = 6 board + lane. A lane with sector KST_UT_NO_SECTOR holds no strips. */
typedef struct kst_ut_readout {
  uint32_t strips_per_hybrid[KST_UT_BOARDS]; /* 0 for an absent board */
  uint32_t chan_id[KST_UT_LANES];            /* the lane's channel id with strip field 0 */
  uint16_t sector[KST_UT_LANES];             /* index into kst_ut_geometry */
  uint8_t layer[KST_UT_LANES];               /* 0..3 */
} kst_ut_readout;

/* Per sector: strip n (from 0, in strips, fraction included) lies at x = p0_x + n dp0di_x at y = 0, spans y from
   p0_y + n dp0di_y for dy, at z = p0_z, with slope dxdy = dx/dy (derived at load: 0 or +-tan 5 degrees). */
typedef struct kst_ut_geometry {
  uint32_t first_strip[KST_UT_SECTORS];
  float pitch[KST_UT_SECTORS], dy[KST_UT_SECTORS];
  float dp0di_x[KST_UT_SECTORS], dp0di_y[KST_UT_SECTORS], p0_x[KST_UT_SECTORS], p0_y[KST_UT_SECTORS];
  float p0_z[KST_UT_SECTORS], dxdy[KST_UT_SECTORS];
} kst_ut_geometry;

#endif
