import { type DashboardAssets, registerDashboard } from '@portcullis/core'
import { assets } from './generated/assets'

/** The dashboard's files (the page, its script and its styles), as the admin route serves them. */
export const dashboardAssets: DashboardAssets = assets

// Importing the package is what makes the admin route serve the page.
registerDashboard(dashboardAssets)
