/**
 * The demo page: load a model, type a prompt, and watch the six steps of a transformer. Everything runs in the
 * browser; the model runs on the GPU through gpu.js (WebGL2) or on the CPU backend.
 */
import './style.css';
import { App } from './app';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
const app = new App(root);
void app.start();
