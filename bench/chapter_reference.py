"""A reconstruction of the chapter's NumPy GAN, for side-by-side measurement only.

It performs the same NumPy operations in the same order as the chapter's
listing (one sample a step, per-matrix gradient clipping with
``np.linalg.norm``, weight clipping with ``np.maximum(np.minimum(...))``),
including its gradient errors, so that its speed and its quality can be
measured on this machine. It is written here from the chapter's description;
the book never teaches from it. ``fixed=True`` corrects the five gradient
errors listed in BOOK_GUIDE.md section 2.
"""
import numpy as np

CONST = dict(Z_DIM=1, G_HIDDEN=10, X_DIM=10, D_HIDDEN=10, step_size_G=0.01, step_size_D=0.01,
             ITER_NUM=50000, GRADIENT_CLIP=0.2, WEIGHT_CLIP=0.25)


def _init(rng, n_in, n_out):
    s = np.sqrt(2.0 / (n_in + n_out))
    return rng.uniform(-s, s, (n_in, n_out))


def _clip_update(param, grad, step, sign, clip, wclip, clip_grad):
    if clip_grad and np.linalg.norm(grad) > clip:
        grad = clip / np.linalg.norm(grad) * grad
    param += sign * step * grad
    return np.maximum(-wclip, np.minimum(wclip, param))


class ChapterGAN:
    """The chapter's G, D, loss and loop in one object. ``fixed`` selects corrected gradients."""

    def __init__(self, seed=0, fixed=False):
        c = CONST
        self.rng = np.random.default_rng(seed)
        self.fixed = fixed
        r = self.rng
        g_sizes = [(c["Z_DIM"], c["G_HIDDEN"]), (c["G_HIDDEN"], c["G_HIDDEN"]), (c["G_HIDDEN"], c["X_DIM"])]
        d_sizes = [(c["X_DIM"], c["D_HIDDEN"]), (c["D_HIDDEN"], c["D_HIDDEN"]), (c["D_HIDDEN"], 1)]
        self.gw = [_init(r, a, b) for a, b in g_sizes]
        self.gb = [_init(r, 1, b) for _, b in g_sizes]
        self.dw = [_init(r, a, b) for a, b in d_sizes]
        self.db = [_init(r, 1, b) for _, b in d_sizes]

    # --- pieces with the chapter's derivative forms
    def _d_relu(self, x):
        return (x > 0).astype(float) if self.fixed else np.maximum(x, 0.0)

    def _d_tanh_out(self, y):
        return 1.0 - y ** 2 if self.fixed else 1.0 - np.tanh(y) ** 2

    def _d_sigmoid_out(self, y):
        if self.fixed:
            return y * (1.0 - y)
        s = 1.0 / (1.0 + np.exp(-y))
        return s * (1.0 - s)

    def real_sample(self):
        r = self.rng
        x0, freq, mult = r.uniform(0, 1), r.uniform(1.2, 1.5), r.uniform(0.5, 0.8)
        return np.array([mult * np.sin(x0 + freq * i) for i in range(CONST["X_DIM"])])

    def g_forward(self, z):
        self.gz = z.reshape(1, CONST["Z_DIM"])
        self.gx1 = np.maximum(np.matmul(self.gz, self.gw[0]) + self.gb[0], 0.0)
        self.gx2 = np.maximum(np.matmul(self.gx1, self.gw[1]) + self.gb[1], 0.0)
        self.gx = np.tanh(np.matmul(self.gx2, self.gw[2]) + self.gb[2])
        return self.gx

    def d_forward(self, x):
        self.dx = x.reshape(1, CONST["X_DIM"])
        z1 = np.matmul(self.dx, self.dw[0]) + self.db[0]
        self.dy1 = np.where(z1 >= 0, z1, z1 * 0.2)
        z2 = np.matmul(self.dy1, self.dw[1]) + self.db[1]
        self.dy2 = np.where(z2 >= 0, z2, z2 * 0.2)
        self.dy3 = np.matmul(self.dy2, self.dw[2]) + self.db[2]
        self.dy = 1.0 / (1.0 + np.exp(-self.dy3))
        return self.dy

    @staticmethod
    def loss(p, label):
        p = p.copy()
        p[0, 0] = min(max(p[0, 0], 1e-7), 1 - 1e-7)
        return -(label * np.log(p) + (1 - label) * np.log(1 - p)), (1 - label) / (1 - p) - label / p

    def d_backward(self, delta, apply=True):
        c = CONST
        sign = -1.0 if self.fixed else 1.0
        delta = delta * self._d_sigmoid_out(self.dy)
        ins = [self.dx, self.dy1, self.dy2]
        for k in (2, 1, 0):
            d_w = np.matmul(np.transpose(ins[k]), delta)
            d_b = delta.copy()
            delta = np.matmul(delta, np.transpose(self.dw[k]))
            if apply:
                self.dw[k] = _clip_update(self.dw[k], d_w, c["step_size_D"], sign, c["GRADIENT_CLIP"], c["WEIGHT_CLIP"], True)
                self.db[k] = _clip_update(self.db[k], d_b, c["step_size_D"], sign, c["GRADIENT_CLIP"], c["WEIGHT_CLIP"], False)
            if k > 0:
                delta = delta * np.where(ins[k] >= 0, 1.0, 0.2)
        return delta

    def g_backward(self, delta):
        c = CONST
        delta = delta * self._d_tanh_out(self.gx)
        ins = [self.gz, self.gx1, self.gx2]
        for k in (2, 1, 0):
            d_w = np.matmul(np.transpose(ins[k]), delta)
            d_b = delta.copy()
            if k > 0:
                delta = np.matmul(delta, np.transpose(self.gw[k]))
            self.gw[k] = _clip_update(self.gw[k], d_w, c["step_size_G"], -1.0, c["GRADIENT_CLIP"], c["WEIGHT_CLIP"], True)
            self.gb[k] = _clip_update(self.gb[k], d_b, c["step_size_G"], -1.0, c["GRADIENT_CLIP"], c["WEIGHT_CLIP"], False)
            if k > 0:
                delta = delta * self._d_relu(ins[k])
        return delta

    def iteration(self):
        """D on real (label 1), D on fake (label 0), G through D (label 1); returns the three losses."""
        loss_r, grad = self.loss(self.d_forward(self.real_sample()), 1)
        self.d_backward(grad)
        x_fake = self.g_forward(self.rng.standard_normal(CONST["Z_DIM"]))
        loss_f, grad = self.loss(self.d_forward(x_fake), 0)
        self.d_backward(grad)
        loss_g, grad = self.loss(self.d_forward(x_fake), 1)
        # the chapter hands D the loss value itself; the fix hands it dL/dp
        self.g_backward(self.d_backward(grad if self.fixed else loss_g.copy(), apply=False))
        return loss_r.item(), loss_f.item(), loss_g.item()

    def sample(self, n):
        z = self.rng.standard_normal((n, CONST["Z_DIM"]))
        return np.vstack([self.g_forward(zi) for zi in z])
